"""The cyclic garbage collector, paused while kundencheck starts.

Starting means importing Textual, Rich, click and kundencheck and building the first screen:
hundreds of thousands of objects made and almost none freed. The collector walks them again
and again and finds nothing; that was 25-35 ms of the ~450 ms to the run screen's first frame
(benchmarks/bench_startup.py). So the command pauses it first thing (kundencheck.__main__) and
resumes it once the first screen is drawn (the app's Ready), or, for the commands without a
screen, before they start working. What start-up made stays for the whole process and is
frozen (gc.freeze), so later collections do not walk it either.

Only a pause this module made is resumed: a host that turned the collector off itself (a
test, an embedding program) keeps it off.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    global _paused
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()
