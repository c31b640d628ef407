"""The ``kundencheck`` command: the console script and ``python -m kundencheck``."""

from kundencheck import startup


def main() -> None:
    startup.pause_collector()  # until the command's work begins (see kundencheck.startup)
    from kundencheck.cli import main as cli_main

    cli_main(prog_name="kundencheck")  # the same in usage lines whether started as a script or with -m


if __name__ == "__main__":
    main()
