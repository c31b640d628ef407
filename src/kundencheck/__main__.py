"""The ``kundencheck`` command: the console script and ``python -m kundencheck``."""


def main() -> None:
    from kundencheck.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
