"""Key-to-screen time on the run screen: a 500-item checklist against a 20-item one.

Each sample presses one key through Textual's pilot and waits until the key is handled and the
screen's update is composed (``pilot.press`` then ``pilot.pause``): an answer (``1`` yes and
``2`` partly by turns on the same item, so its symbol changes; the run moves on to the next
item) or a move (``j`` / ``k``). Both lists do the same screen work (a few items from the top,
no scrolling), so the difference is what the number of items costs. Every item is answered
before sampling (late in a run), so the list, the tally and a saved draft hold n answers.

The figure to judge is at 100x20, where 20 items fill the item list as 500 do; at 100x30 the
20-item list leaves rows empty and has no scroll bar, so each key draws less there (a fixed
cost of the layout: 40, 100 and 500 items measure the same). The pilot sleeps in 20 ms steps until the app is
idle, which pads every wall-clock sample; the CPU time the process spent per key is the figure
the target is judged on (both are printed). The run is not connected to a repository, so
the figure is the TUI's own work (drafts are saved by the session, measured apart below with
``--drafts``). Target (hostile-input issue): 500 items within 1.2x of 20 items (median CPU
time per key).

    python benchmarks/bench_keys.py [--samples 150] [--drafts]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path


def checklist(n: int):
    from kundencheck.core.checklist import checklist_from_dict

    items = [
        {
            "id": f"item-{i:03d}",
            "question": f"Frage {i}: haben wir mit dem Kunden über Änderung {i} gesprochen?",
            "why": "Weil Schweigen beide Seiten ihr eigenes Bild machen lässt.",
            "kind": "traffic-light",
            "note_when": ["red"],
        }
        for i in range(n)
    ]
    return checklist_from_dict(
        {"format": 1, "id": "build", "title": "Sprint-Start", "phase": "build", "language": "de", "version": "1", "items": items}
    )


def host_app(session):
    from textual.app import App

    import kundencheck.tui.app as app_module
    from kundencheck.tui.screens.run import RunScreen

    class Host(App):
        CSS_PATH = str(Path(app_module.__file__).with_name("kundencheck.tcss"))

        def on_mount(self) -> None:
            self.push_screen(RunScreen(session))

        def action_help(self) -> None:  # the run screen binds app.help
            pass

    return Host()


def session_for(n: int, drafts_dir: Path | None):
    from kundencheck.core import answers as answers_mod
    from kundencheck.core.people import Person
    from kundencheck.session import RunSession

    cl = checklist(n)
    started = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    run = answers_mod.new_run(cl, Person("Erika Mustermann", "erika@example.com"), started=started)
    session = RunSession(None, cl, run)
    if drafts_dir is not None:  # save a draft after every change, as a real run does
        from kundencheck.store.drafts import DraftStore

        store = DraftStore(drafts_dir)

        def save_draft() -> None:
            store.save(session.run, session.checklist)

        session.save_draft = save_draft  # type: ignore[method-assign]  # a session without a project saves nothing itself
    return session


async def measure(n: int, samples: int, drafts_dir: Path | None, size: tuple[int, int] = (100, 20)) -> dict[str, float]:
    session = session_for(n, drafts_dir)
    # Late in the run: every item answered, so the list, the tally and a draft hold n answers.
    from kundencheck.core.answers import Answer

    session.run.answers = [Answer(item.id, "green") for item in session.checklist.items]
    app = host_app(session)
    answer, move = [], []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for _ in range(5):  # warm up
            await pilot.press("j")
            await pilot.press("k")
        await pilot.press("j", "j", "j")  # a few items down, so moves go both ways
        for i in range(samples):
            # The same screen work for both lists (no scrolling, one label changes): answer the
            # item (yes and partly by turns, so its symbol changes), which moves on; go back.
            answer.append(await timed(pilot, "2" if i % 2 else "1"))
            move.append(await timed(pilot, "k"))
            move.append(await timed(pilot, "j" if i % 2 else "k"))
            await pilot.press("k" if i % 2 else "j")
    return {
        f"{kind} {clock}": statistics.median(s[clock] for s in samples_) * 1000
        for kind, samples_ in (("answer", answer), ("move", move))
        for clock in ("cpu", "wall")
    }


async def timed(pilot, key: str) -> dict[str, float]:
    """One key, until the screen's update is composed. The pilot sleeps while it waits for the
    app to become idle (20 ms steps), so the CPU time the process spent is the sharper figure;
    the wall time is shown too."""
    wall, cpu = time.perf_counter(), time.process_time()
    await pilot.press(key)
    await pilot.pause()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=150)
    parser.add_argument("--drafts", action="store_true", help="also save a draft after every answer, as a real run does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in ((100, 20), (100, 30)):
            results = {}
            for n in (20, 500):
                drafts = Path(tmp) / f"drafts-{n}-{size[1]}" if args.drafts else None
                results[n] = asyncio.run(measure(n, args.samples, drafts, size))
            note = "both lists fill the pane" if size[1] == 20 else "20 items do not fill the pane: fewer lines drawn"
            print(f"terminal {size[0]}x{size[1]} ({note}){', a draft saved after every answer' if args.drafts else ''}:")
            for kind in ("answer cpu", "move cpu", "answer wall", "move wall"):
                small, large = results[20][kind], results[500][kind]
                print(f"  {kind:11}  20 items: {small:7.2f} ms   500 items: {large:7.2f} ms   ratio {large / small:4.2f}x")


if __name__ == "__main__":
    main()
