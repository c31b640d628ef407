"""Values TOML allows that break naive readers, and files holding them in every key.

A whole number of 5,000 digits (Python refuses to turn it back into text), one beyond 64 bits
in hex, the first and last days of the calendar (date arithmetic and time-zone conversion
overflow there), date-times that have no time in UTC, infinities and not-a-number, local
date-times and times where an offset belongs, an array of 10,000 values, arrays nested deeper
than the parser goes and as deep as it goes. Used by the property tests (tests/core) and the
command-line and TUI tests over repositories holding such files (tests/hostile/test_values.py).
"""

from __future__ import annotations

from typing import Any

import tomlkit

#: name -> the value as TOML text.
LITERALS: dict[str, str] = {
    "int-5000-digits": "1" * 5000,
    "negative-int-5000-digits": "-" + "9" * 5000,
    "hex-beyond-64-bits": "0x" + "f" * 40,
    "int-just-beyond-64-bits": "9223372036854775808",
    "int-64-bit-max": "9223372036854775807",
    "int-64-bit-min": "-9223372036854775808",
    "date-max": "9999-12-31",
    "date-min": "0001-01-01",
    "datetime-max-utc": "9999-12-31T23:59:59Z",
    "datetime-min-utc": "0001-01-01T00:00:00Z",
    "datetime-beyond-max-in-utc": "9999-12-31T23:59:59-23:59",
    "datetime-before-min-in-utc": "0001-01-01T00:00:00+23:59",
    "local-datetime-max": "9999-12-31T23:59:59.999999",
    "local-time": "23:59:59.999999",
    "inf": "inf",
    "negative-inf": "-inf",
    "nan": "nan",
    "float-overflowing-to-inf": "1e400",
    "array-10000-ints": "[" + ", ".join(["1"] * 10_000) + "]",
    "array-10000-strings": "[" + ", ".join(['"red"'] * 10_000) + "]",
    "array-10000-dates": "[" + ", ".join(["9999-12-31"] * 10_000) + "]",
    "nested-too-deep": "[" * 2000 + "]" * 2000,
    "nested-deep": "[" * 60 + "1" + "]" * 60,
    "inline-table-10000-keys": "{" + ", ".join(f"k{n} = {n}" for n in range(10_000)) + "}",
}

SENTINEL = "kundencheck-hostile-value-goes-here"


def key_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key of a parsed document, as paths of keys and list positions, depth first."""
    paths = []
    if isinstance(data, dict):
        for key, value in data.items():
            paths.append((*prefix, key))
            paths += key_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            if isinstance(value, dict):  # an array of tables: the keys of each table
                paths += key_paths(value, (*prefix, n))
    return paths


def with_value(text: str, path: tuple, literal: str) -> str:
    """``text`` (a TOML document) with the key at ``path`` set to the TOML ``literal``."""
    doc = tomlkit.parse(text)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = SENTINEL
    rendered = tomlkit.dumps(doc)
    assert rendered.count(f'"{SENTINEL}"') == 1
    return rendered.replace(f'"{SENTINEL}"', literal)


def path_name(path: tuple) -> str:
    return ".".join(str(step) for step in path)


def commit_hostile_answers(repo, template, per_key: int = 2) -> dict[str, tuple[tuple, str]]:
    """Commit, next to the runs already in ``repo``, answers files that each set one key of
    ``template`` (a valid answers file's text) to one hostile literal: every key ``per_key``
    times and every literal at least ``per_key`` times, in changing pairs; each file gets a run
    id of its own. Returns {path in the repository: (key path, literal name)}."""
    import subprocess
    import tomllib

    data = tomllib.loads(template)
    paths, names = key_paths(data), sorted(LITERALS)
    written: dict[str, tuple[tuple, str]] = {}
    folder = repo / ".kundencheck" / "answers" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(max(len(paths), len(names)) * per_key):
        path, name = paths[n % len(paths)], names[(n * 7) % len(names)]
        run_id = f"20260401T090000Z-build-hostile-{n:06x}"
        relpath = f".kundencheck/answers/2026/{run_id}.toml"
        text = template.replace(data["id"], run_id) if path != ("id",) else template
        (repo / relpath).write_text(with_value(text, path, LITERALS[name]), encoding="utf-8")
        written[relpath] = (path, name)
    subprocess.run(["git", "add", "--", ".kundencheck/answers"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "Hand-edited answers with every value TOML allows"], cwd=repo, check=True)
    return written
