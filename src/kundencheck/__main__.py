"""The ``kundencheck`` command: the console script and ``python -m kundencheck``."""

from kundencheck.startup import pause_collector


def main() -> None:
    pause_collector()  # before the big imports: see kundencheck/startup.py
    from kundencheck.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
