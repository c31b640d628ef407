"""The ``kundencheck`` command: the console script and ``python -m kundencheck``."""


import gc


def main() -> None:
    # Starting up makes about a hundred thousand objects (modules, classes, functions) that all
    # live until the process ends; the cyclic collector would walk them again and again and find
    # nothing: about 15 ms of the TUI's ~600 ms to its first frame (benchmarks/bench_startup.py).
    # Paused until the command's work begins (cli.common.guarded, KundencheckApp.run).
    gc.disable()
    from kundencheck.cli import main as cli_main

    cli_main(prog_name="kundencheck")  # the same in usage lines whether started as a script or with -m


if __name__ == "__main__":
    main()
