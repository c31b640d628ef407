"""The checklist format (docs/checklist-format.md): loading, and every validation error.

Each error test checks that the message names the file, the item (or ``top level``), the key,
and says what is allowed, because that message is all a user gets from ``kundencheck validate``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

from kundencheck.core.checklist import (
    MAX_FILE_BYTES,
    Checklist,
    Condition,
    Kind,
    checklist_from_dict,
    describe_value,
    is_safe_id,
    load_checklist,
    parse_toml_bytes,
    read_toml_file,
)
from kundencheck.core.errors import ChecklistError
from tests.support.golden import assert_golden

DOC = Path(__file__).resolve().parents[2] / "docs" / "checklist-format.md"

TOP = """\
format = 1
id = "build"
title = "Sprint start"
phase = "build"
language = "en"
version = "1.0"
"""

LIGHT = """
[[items]]
id = "a"
question = "Did we speak with the client?"
why = "Silence breeds surprises."
kind = "traffic-light"
"""


def item(item_id: str = "a", kind: str = "traffic-light", extra: str = "") -> str:
    return f'\n[[items]]\nid = "{item_id}"\nquestion = "Question {item_id}?"\nwhy = "Because."\nkind = "{kind}"\n{extra}'


SCALE_LABELS = 'low = "bad"\nhigh = "good"\n'
CHOICE_OPTIONS = 'options = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }]\n'


def write(tmp_path: Path, text: str | bytes, name: str = "build.en.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def error_for(tmp_path: Path, text: str | bytes) -> tuple[ChecklistError, Path]:
    path = write(tmp_path, text)
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    return info.value, path


def assert_problem(error: ChecklistError, path: Path, *fragments: str) -> None:
    """The message names the file and contains every fragment (item, key, what is allowed)
    in one and the same problem line."""
    message = str(error)
    assert str(path) in message
    assert error.path == str(path)
    matching = [p for p in error.problems if all(f in p for f in fragments)]
    assert matching, f"no problem mentions all of {fragments!r}; problems: {error.problems!r}"


# ------------------------------------------------------------------------- file level


def test_toml_syntax_error_names_line_and_column(tmp_path):
    error, path = error_for(tmp_path, TOP + 'description = = "x"\n' + LIGHT)
    assert_problem(error, path, "line 7, column 15", "TOML syntax error")


def test_toml_syntax_error_at_end_of_file_still_has_line_and_column(tmp_path):
    error, path = error_for(tmp_path, TOP + 'description = "never closed')
    assert_problem(error, path, "line 7, column 28", "Unterminated string")


def test_invalid_utf8_names_line_and_byte(tmp_path):
    error, path = error_for(tmp_path, TOP.encode() + b'description = "caf\xe9"\n' + LIGHT.encode())
    assert_problem(error, path, "line 7", "not valid UTF-8", "0xe9", "Save the file as UTF-8")


def test_byte_order_mark_is_accepted(tmp_path):
    checklist = load_checklist(write(tmp_path, b"\xef\xbb\xbf" + (TOP + LIGHT).encode()))
    assert checklist.id == "build"
    assert [i.id for i in checklist.items] == ["a"]


def test_crlf_line_endings_are_accepted(tmp_path):
    text = (TOP + LIGHT + 'note_when = ["red"]\n').replace("\n", "\r\n")
    checklist = load_checklist(write(tmp_path, text))
    assert checklist.items[0].question == "Did we speak with the client?"
    assert checklist.items[0].note_when == frozenset({"red"})


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file(tmp_path, content):
    error, path = error_for(tmp_path, content)
    assert_problem(error, path, "is empty", "format, id, title, phase, language, version and items")


def test_directory_instead_of_file(tmp_path):
    folder = tmp_path / "build.en.toml"
    folder.mkdir()
    with pytest.raises(ChecklistError) as info:
        load_checklist(folder)
    assert_problem(info.value, folder, "is a directory")


def test_missing_file(tmp_path):
    path = tmp_path / "nope.en.toml"
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    assert_problem(info.value, path, "cannot be read", "exists")


def _link_to_itself(tmp_path: Path) -> Path:
    path = tmp_path / "build.en.toml"
    path.symlink_to(path.name)
    return path


def _below_a_file(tmp_path: Path) -> Path:
    return write(tmp_path, TOP + LIGHT, name="checklists") / "build.en.toml"


@pytest.mark.parametrize(
    "unreadable, reason",
    [(_link_to_itself, "Too many levels of symbolic links"), (_below_a_file, "Not a directory")],
    ids=["link-to-itself", "below-a-file"],
)
def test_unreadable_file(tmp_path, unreadable, reason):
    """A name that is there but cannot be opened, for root too (a file without read permission
    is readable for root, and CI runs as root): the same refusal as a file one may not read.
    The permission itself: test_read_permission_error_is_a_checklist_error."""
    path = unreadable(tmp_path)
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    assert_problem(info.value, path, f"cannot be read ({reason})", "may read it")


def test_file_over_one_megabyte(tmp_path):
    padding = "# " + "x" * 99 + "\n"
    text = TOP + LIGHT + padding * (MAX_FILE_BYTES // len(padding) + 1)
    assert len(text.encode()) > MAX_FILE_BYTES
    error, path = error_for(tmp_path, text)
    size = len(text.encode())
    assert error.problems == [f"is {size:,} bytes; a checklist may be at most 1,000,000 bytes. Split it or remove the bulk."]
    with pytest.raises(ChecklistError) as read:
        read_toml_file(path)
    assert read.value.problems == error.problems and read.value.path == str(path)


def test_file_just_under_the_limit_loads(tmp_path):
    padding = "# " + "x" * 99 + "\n"
    text = TOP + LIGHT
    text += padding * ((MAX_FILE_BYTES - len(text)) // len(padding))
    assert len(text.encode()) <= MAX_FILE_BYTES
    assert load_checklist(write(tmp_path, text)).id == "build"


def test_deeply_nested_toml_is_a_checklist_error(tmp_path):
    error, path = error_for(tmp_path, TOP + "description = " + "[" * 5000 + "\n")
    assert_problem(error, path, "nested too deeply")


# ------------------------------------------------------------------------- schema


def without_line(text: str, key: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"{key} ="))


@pytest.mark.parametrize("key", ["format", "id", "title", "phase", "language", "version"])
def test_missing_top_level_key(tmp_path, key):
    error, path = error_for(tmp_path, without_line(TOP, key) + LIGHT)
    assert_problem(error, path, "top level", f"'{key}'")
    problem = next(p for p in error.problems if f"'{key}'" in p)
    assert re.search(r"required|must be", problem)


def test_missing_items(tmp_path):
    error, path = error_for(tmp_path, TOP)
    assert_problem(error, path, "top level", "'items'", "at least one [[items]]")


def test_items_that_are_not_tables(tmp_path):
    error, path = error_for(tmp_path, TOP + "items = [1, 2]\n")
    assert_problem(error, path, "item 1", "must be a table ([[items]])")


@pytest.mark.parametrize("key", ["id", "question", "why", "kind"])
def test_missing_item_key(tmp_path, key):
    text = TOP + without_line(LIGHT, key)
    error, path = error_for(tmp_path, text)
    where = "item 1" if key == "id" else "item 'a'"
    assert_problem(error, path, where, f"'{key}'")


def test_missing_kind_lists_the_kinds(tmp_path):
    error, path = error_for(tmp_path, TOP + without_line(LIGHT, "kind"))
    assert_problem(error, path, "item 'a'", "'kind'", "traffic-light, scale, text, date, choice")


def test_unknown_top_level_key(tmp_path):
    error, path = error_for(tmp_path, TOP + 'colour = "red"\n' + LIGHT)
    assert_problem(error, path, "top level", "'colour'", "unknown key", "Allowed: description, format, id, items")


def test_unknown_item_key(tmp_path):
    error, path = error_for(tmp_path, TOP + LIGHT + 'hint = "x"\n')
    assert_problem(error, path, "item 'a'", "'hint'", "unknown key", "Allowed:", "note_when", "when")


@pytest.mark.parametrize("value", ["2", "0", '"1"', "1.0", "true"])
def test_wrong_format_number(tmp_path, value):
    error, path = error_for(tmp_path, TOP.replace("format = 1", f"format = {value}") + LIGHT)
    assert_problem(error, path, "top level", "'format'", "must be 1")


@pytest.mark.parametrize("value", ['"english"', '"EN"', '"e"', "1"])
def test_bad_language(tmp_path, value):
    error, path = error_for(tmp_path, TOP.replace('language = "en"', f"language = {value}") + LIGHT)
    assert_problem(error, path, "top level", "'language'")


@pytest.mark.parametrize(
    "title",
    ['"""Sprint start\nhow do we stand?"""', '"Sprint start\\r\\nhow do we stand?"', '"Sprint start\\rhow   do we stand?\\n"'],
)
def test_a_title_over_several_lines_is_one_line(tmp_path, title):
    """A title heads one line of the run screen, the home screen and the reports: its line
    breaks become spaces when it is loaded, so every place shows the same whole title."""
    checklist = load_checklist(write(tmp_path, TOP.replace('title = "Sprint start"', f"title = {title}") + LIGHT))
    assert checklist.title == "Sprint start how do we stand?"


def test_numeric_version_is_accepted_as_text(tmp_path):
    checklist = load_checklist(write(tmp_path, TOP.replace('version = "1.0"', "version = 1.5") + LIGHT))
    assert checklist.version == "1.5"
    assert (
        load_checklist(write(tmp_path, TOP.replace('version = "1.0"', "version = 9223372036854775807") + LIGHT)).version
        == "9223372036854775807"
    )


@pytest.mark.parametrize("version", [10**5000, 2**63, True], ids=["5001 digits", "2**63", "true"])
def test_a_version_no_toml_file_can_hold_is_refused_not_a_crash(version):
    """checklist_from_dict reads dicts that came from elsewhere than a TOML file too (found by
    the property tests: a whole number of thousands of digits cannot even be written as text)."""
    data = tomllib.loads(TOP + LIGHT)
    data["version"] = version
    with pytest.raises(ChecklistError) as info:
        checklist_from_dict(data, "x.toml")
    assert info.value.problems == ["top level, key 'version': required, a string such as \"1.0\"."]


def test_duplicate_item_ids(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a") + item("b") + item("a"))
    assert_problem(error, path, "item 'a'", "'id'", "duplicate", "unique")


def test_unknown_kind(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a", kind="yes-no"))
    assert_problem(error, path, "item 'a'", "'kind'", "'yes-no'", "Allowed: traffic-light, scale, text, date, choice")


def test_required_must_be_boolean(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a", extra='required = "yes"\n'))
    assert_problem(error, path, "item 'a'", "'required'", "true or false")


# ------------------------------------------------------------------------- safe ids

UNSAFE_IDS = [
    ("../x", r'"../x"'),
    ("/etc/passwd", r'"/etc/passwd"'),
    ("a/b", r'"a/b"'),
    ("a\\b", r'"a\\b"'),
    ("CON", r'"CON"'),
    ("con", r'"con"'),
    ("nul", r'"nul"'),
    ("aux", r'"aux"'),
    ("prn", r'"prn"'),
    ("com1", r'"com1"'),
    ("lpt1", r'"lpt1"'),
    ("lpt9", r'"lpt9"'),
    ("a\x00b", r'"a\u0000b"'),
    ("abc\n", r'"abc\n"'),
    ("abc.", r'"abc."'),
    ("a.b", r'"a.b"'),
    ("Abc", r'"Abc"'),
    ("a" * 65, '"' + "a" * 65 + '"'),
    ("", '""'),
    ("-a", r'"-a"'),
    ("a-", r'"a-"'),
    ("a b", r'"a b"'),
    ("ä", r'"ä"'),
    (None, "1"),
]


def plain_id(value: object) -> str:
    """A test id without quotes and backslashes: mutmut's fork server cannot find a test whose
    id has both (CONTRIBUTING.md, "Mutation score")."""
    return ascii(value).strip("'").replace("\\", "^")


@pytest.mark.parametrize("value, toml", UNSAFE_IDS, ids=[plain_id(v) for v, _ in UNSAFE_IDS])
def test_unsafe_item_id(tmp_path, value, toml):
    if value is not None:
        assert not is_safe_id(value)
    error, path = error_for(tmp_path, TOP + item("x").replace('id = "x"', f"id = {toml}"))
    assert_problem(error, path, "item 1", "'id'", "not a safe id", "lowercase letters a-z, digits and dashes")


@pytest.mark.parametrize("value, toml", UNSAFE_IDS[:8], ids=[plain_id(v) for v, _ in UNSAFE_IDS[:8]])
def test_unsafe_checklist_id_and_phase(tmp_path, value, toml):
    text = TOP.replace('id = "build"', f"id = {toml}").replace('phase = "build"', f"phase = {toml}") + LIGHT
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "top level", "'id'", "not a safe id")
    assert_problem(error, path, "top level", "'phase'", "not a safe id")


@pytest.mark.parametrize(
    "value", ["a", "0", "a" * 64, "client-contacted", "q4-2026", "a-b-c", "console", "com10", "nully", "lpt"]
)
def test_safe_ids(value):
    assert is_safe_id(value)


@pytest.mark.parametrize("value", [None, 1, b"abc", ["abc"]])
def test_non_strings_are_not_safe_ids(value):
    assert not is_safe_id(value)


def test_all_safe_ids():
    from kundencheck.core.checklist import all_safe_ids

    assert all_safe_ids(set()) is True
    assert all_safe_ids({"all-safe-ids-first-seen-here", "and-this-one"}) is True
    assert all_safe_ids({"client-contacted", "build"}) is True
    assert all_safe_ids({"client-contacted", "build"}) is True  # seen before: looked up
    assert all_safe_ids({"client-contacted", "Build"}) is False
    assert all_safe_ids({"client-contacted", "con"}) is False
    assert all_safe_ids({"build", 1}) is False


# ------------------------------------------------------------------------- kinds


@pytest.mark.parametrize("kind", ["traffic-light", "text", "date", "choice"])
@pytest.mark.parametrize("key", ["low", "high"])
def test_low_high_only_on_scale(tmp_path, kind, key):
    extra = f'{key} = "label"\n' + (CHOICE_OPTIONS if kind == "choice" else "")
    error, path = error_for(tmp_path, TOP + item("a", kind, extra))
    assert_problem(error, path, "item 'a'", f"'{key}'", "only scale items", kind)


@pytest.mark.parametrize("missing", ["low", "high"])
def test_scale_needs_low_and_high(tmp_path, missing):
    extra = SCALE_LABELS.replace(f"{missing} = ", "ignored_ = ").replace("ignored_ = ", "# ")
    error, path = error_for(tmp_path, TOP + item("a", "scale", extra))
    assert_problem(error, path, "item 'a'", f"'{missing}'", "non-empty string")


@pytest.mark.parametrize("kind", ["traffic-light", "scale", "text", "date"])
def test_options_only_on_choice(tmp_path, kind):
    extra = CHOICE_OPTIONS + (SCALE_LABELS if kind == "scale" else "")
    error, path = error_for(tmp_path, TOP + item("a", kind, extra))
    assert_problem(error, path, "item 'a'", "'options'", "only choice items", kind)


@pytest.mark.parametrize(
    "options",
    ["", "options = []\n", 'options = [{ id = "yes", label = "Yes" }]\n', 'options = "yes, no"\n'],
    ids=["missing", "empty", "one", "string"],
)
def test_choice_needs_two_options(tmp_path, options):
    error, path = error_for(tmp_path, TOP + item("a", "choice", options))
    assert_problem(error, path, "item 'a'", "'options'", "at least two options", 'id = "weekly"')


def test_choice_duplicate_option_ids(tmp_path):
    options = 'options = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }, { id = "yes", label = "Ja" }]\n'
    error, path = error_for(tmp_path, TOP + item("a", "choice", options))
    assert_problem(error, path, "item 'a'", "'options'", "'yes'", "twice")


@pytest.mark.parametrize(
    "option, expected",
    [
        ('{ id = "Yes", label = "Yes" }', "not a safe id"),
        ('{ id = "maybe" }', "with 'id' and 'label', and optionally 'band'"),
        ('{ id = "maybe", label = "Maybe", colour = "red" }', "with 'id' and 'label', and optionally 'band'"),
        ('{ id = "maybe", label = "  " }', "non-empty label"),
        ('"maybe"', "with 'id' and 'label', and optionally 'band'"),
    ],
)
def test_bad_option(tmp_path, option, expected):
    options = f'options = [{{ id = "yes", label = "Yes" }}, {option}]\n'
    error, path = error_for(tmp_path, TOP + item("a", "choice", options))
    assert_problem(error, path, "item 'a'", "'options'", "option 2", expected)


@pytest.mark.parametrize("key", ["note_when", "action_when"])
@pytest.mark.parametrize(
    "kind, extra, value, allowed",
    [
        ("traffic-light", "", '"purple"', "Allowed: green, amber, red, na"),
        ("traffic-light", "", '"Red"', "Allowed: green, amber, red, na"),
        ("scale", SCALE_LABELS, "6", "Allowed: 1, 2, 3, 4, 5"),
        ("scale", SCALE_LABELS, "0", "Allowed: 1, 2, 3, 4, 5"),
        ("scale", SCALE_LABELS, '"1"', "Allowed: 1, 2, 3, 4, 5"),
        ("scale", SCALE_LABELS, "true", "Allowed: 1, 2, 3, 4, 5"),
        ("choice", CHOICE_OPTIONS, '"maybe"', "Allowed: yes, no"),
    ],
)
def test_when_values_the_kind_cannot_take(tmp_path, key, kind, extra, value, allowed):
    error, path = error_for(tmp_path, TOP + item("a", kind, extra + f"{key} = [{value}]\n"))
    assert_problem(error, path, "item 'a'", f"'{key}'", "is not an answer of this", allowed)


@pytest.mark.parametrize("key", ["note_when", "action_when"])
@pytest.mark.parametrize("kind", ["text", "date"])
def test_text_and_date_cannot_demand_notes_or_actions(tmp_path, key, kind):
    error, path = error_for(tmp_path, TOP + item("a", kind, f'{key} = ["anything"]\n'))
    assert_problem(error, path, "item 'a'", f"'{key}'", f"{kind} items cannot demand", f"remove '{key}'")


def test_note_when_single_value_is_accepted(tmp_path):
    checklist = load_checklist(write(tmp_path, TOP + item("a", extra='note_when = "red"\n')))
    assert checklist.items[0].note_when == frozenset({"red"})


# ------------------------------------------------------------------------- conditions


def test_when_pointing_at_a_later_item(tmp_path):
    text = TOP + item("a", extra='when = { item = "b", equals = "red" }\n') + item("b")
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "item 'a'", "'when'", "'b'", "not an earlier item", "above it")


def test_when_pointing_at_itself(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a", extra='when = { item = "a", equals = "red" }\n'))
    assert_problem(error, path, "item 'a'", "'when'", "not an earlier item")


def test_when_pointing_at_an_unknown_item(tmp_path):
    text = TOP + item("a") + item("b", extra='when = { item = "nope", equals = "red" }\n')
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "item 'b'", "'when'", "'nope'", "not an earlier item")


@pytest.mark.parametrize("kind", ["text", "date"])
def test_when_pointing_at_a_text_or_date_item(tmp_path, kind):
    text = TOP + item("a", kind) + item("b", extra='when = { item = "a", equals = "x" }\n')
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "item 'b'", "'when'", f"{kind} item", "traffic-light, scale or choice")


@pytest.mark.parametrize(
    "kind, extra, equals, allowed",
    [
        ("traffic-light", "", '"purple"', "Allowed: green, amber, red, na"),
        ("scale", SCALE_LABELS, "[1, 9]", "Allowed: 1, 2, 3, 4, 5"),
        ("choice", CHOICE_OPTIONS, '["yes", "maybe"]', "Allowed: yes, no"),
        ("choice", CHOICE_OPTIONS, "[]", "Allowed: yes, no"),
    ],
)
def test_when_with_a_value_the_target_cannot_take(tmp_path, kind, extra, equals, allowed):
    text = TOP + item("a", kind, extra) + item("b", extra=f'when = {{ item = "a", equals = {equals} }}\n')
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "item 'b'", "'when'", "is not an answer of item 'a'", allowed)


@pytest.mark.parametrize("when", ['"a"', '{ item = "a" }', '{ item = "a", equals = "red", not = true }'])
def test_malformed_when(tmp_path, when):
    text = TOP + item("a") + item("b", extra=f"when = {when}\n")
    error, path = error_for(tmp_path, text)
    assert_problem(error, path, "item 'b'", "'when'", "exactly 'item' and 'equals'")


def test_conditions_chain(tmp_path):
    text = (
        TOP
        + item("a")
        + item("b", extra='when = { item = "a", equals = ["red", "amber"] }\n')
        + item("c", extra='when = { item = "b", equals = "red" }\n')
        + item("d", "scale", SCALE_LABELS + 'when = { item = "a", equals = "green" }\n')
    )
    checklist = load_checklist(write(tmp_path, text))
    b, c = checklist.item("b"), checklist.item("c")
    assert b.when == Condition("a", ("red", "amber"))
    assert c.when == Condition("b", ("red",))

    def visible(values):
        return [i.id for i in checklist.visible_items(values)]

    assert visible({}) == ["a"]
    assert visible({"a": "green"}) == ["a", "d"]
    assert visible({"a": "red"}) == ["a", "b"]
    assert visible({"a": "red", "b": "red"}) == ["a", "b", "c"]
    # c's own condition holds, but b is hidden, so c is hidden too.
    assert visible({"a": "green", "b": "red"}) == ["a", "d"]
    assert not checklist.is_visible(c, {"a": None, "b": "red"})


def test_several_problems_are_reported_together(tmp_path):
    text = (
        TOP.replace("format = 1", "format = 2")
        + "colour = 1\n"
        + item("a", extra='note_when = ["purple"]\n')
        + item("a", "yes-no")
        + item("b", "text", 'low = "x"\n')
    )
    error, path = error_for(tmp_path, text)
    assert len(error.problems) >= 5
    message = str(error)
    assert message.startswith(f"{path}: {len(error.problems)} problems:\n")
    for fragment in ("'format'", "'colour'", "'purple'", "duplicate", "'yes-no'", "'low'"):
        assert fragment in message
    assert all(f"  - {p}" in message for p in error.problems)


def test_single_problem_message_is_one_line(tmp_path):
    error, path = error_for(tmp_path, TOP + "colour = 1\n" + LIGHT)
    assert str(error) == f"{path}: {error.problems[0]}"
    assert "\n" not in str(error)


def test_control_characters_in_texts_are_cleaned(tmp_path):
    text = TOP.replace('title = "Sprint start"', r'title = "Sprint \u001b[31mstart\u0007"') + LIGHT.replace(
        "Did we speak", r"Did we \u202espeak"
    )
    checklist = load_checklist(write(tmp_path, text))
    assert checklist.title == "Sprint start"
    assert checklist.items[0].question == "Did we speak with the client?"


def test_bad_value_shown_in_error_is_cleaned_and_shortened(tmp_path):
    evil = r"\u001b]0;pwned\u0007" + "x" * 100
    error, _path = error_for(tmp_path, TOP + item("a", kind=evil))
    assert "\x1b" not in str(error) and "\x07" not in str(error)
    assert "…" in str(error)


# ------------------------------------------------------------------------- valid checklists


def doc_example(heading: str = "## A complete example") -> str:
    """The TOML example under ``heading`` in docs/checklist-format.md (each section has one)."""
    section = DOC.read_text(encoding="utf-8").split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, f"docs/checklist-format.md should have exactly one ```toml example under {heading}"
    return blocks[0]


def test_the_extension_example_in_the_format_doc_loads(tmp_path):
    """The hand-written extension of the short guide is what `checklist add-item` writes, and loads."""
    from kundencheck.core.catalog import PROJECT_CHECKLISTS, load_checklist_file

    path = tmp_path / PROJECT_CHECKLISTS / "build.en.toml"
    path.parent.mkdir(parents=True)
    path.write_text(doc_example("## A team's own questions"), encoding="utf-8")
    checklist = load_checklist_file(path)
    assert checklist.extends == "build" and checklist.item("staging-shown") is not None
    ids = [item.id for item in checklist.items]
    assert ids[ids.index("client-contacted") + 1] == "staging-shown"


def test_example_in_the_format_doc_loads(tmp_path):
    path = write(tmp_path, doc_example())
    checklist = load_checklist(path)
    assert isinstance(checklist, Checklist)
    assert (checklist.id, checklist.phase, checklist.language, checklist.version) == ("build", "build", "en", "1.0")
    assert checklist.source == str(path)
    assert checklist.description.startswith("Answer honestly")
    assert [(i.id, i.kind) for i in checklist.items] == [
        ("client-contacted", Kind.TRAFFIC_LIGHT),
        ("team-mood", Kind.SCALE),
        ("own-design", Kind.CHOICE),
        ("deviations-announced", Kind.TRAFFIC_LIGHT),
        ("next-review", Kind.DATE),
        ("self-critical", Kind.TEXT),
    ]
    contacted = checklist.item("client-contacted")
    assert contacted.note_when == frozenset({"amber", "red"}) and contacted.action_when == frozenset({"red"})
    assert contacted.needs_note("amber") and not contacted.needs_action("amber") and contacted.needs_action("red")
    assert not contacted.needs_note(None)
    mood = checklist.item("team-mood")
    assert (mood.low, mood.high) == ("We dread their mails", "We enjoy the work")
    assert mood.action_when == frozenset({1, 2}) and mood.allowed_values() == (1, 2, 3, 4, 5)
    assert contacted.key_signal and contacted.label == "Talked to the client"
    assert mood.key_signal and mood.scale_bands == ("red", "red", "amber", "green", "green")
    design = checklist.item("own-design")
    assert [(o.id, o.band) for o in design.options] == [("yes", "amber"), ("no", "green")]
    assert design.option_label("no") == "No" and design.option_label("other") == "other"
    assert checklist.item("deviations-announced").when == Condition("own-design", ("yes",))
    assert checklist.item("next-review").required is False
    assert checklist.item("self-critical").required is True
    assert checklist.item("self-critical").allowed_values() is None
    assert checklist.item("missing") is None
    visible = [i.id for i in checklist.visible_items({"own-design": "no"})]
    assert "deviations-announced" not in visible
    assert "deviations-announced" in [i.id for i in checklist.visible_items({"own-design": "yes"})]


def test_every_kind_with_every_optional_key(tmp_path):
    text = (
        TOP
        + 'description = "Before we start."\n'
        + item("light", extra='note_when = ["amber", "red"]\naction_when = ["red"]\nrequired = false\n')
        + item("mood", "scale", SCALE_LABELS + "note_when = [1, 2]\naction_when = [1]\n")
        + item("plan", "choice", CHOICE_OPTIONS + 'note_when = ["no"]\naction_when = "no"\n')
        + item("why-not", "text", 'when = { item = "plan", equals = "no" }\n')
        + item("next", "date", 'when = { item = "mood", equals = [1, 2, 3] }\n')
        + item("x" * 64)
    )
    checklist = load_checklist(write(tmp_path, text))
    assert len(checklist.items) == 6
    assert checklist.item("light").required is False
    assert checklist.item("plan").action_when == frozenset({"no"})
    assert checklist.item("next").when == Condition("mood", (1, 2, 3))


def test_condition_on_an_item_with_its_own_problem_reports_only_that_problem(tmp_path):
    text = TOP + item("a", extra='note_when = ["purple"]\n') + item("b", extra='when = { item = "a", equals = "red" }\n')
    error, path = error_for(tmp_path, text)
    assert len(error.problems) == 1
    assert_problem(error, path, "item 'a'", "'note_when'", "'purple'")


def test_read_permission_error_is_a_checklist_error(tmp_path, monkeypatch):
    """A file one may not read (the read is refused as it would be without permission: as root,
    CI's user, no file mode refuses it)."""
    path = write(tmp_path, TOP + LIGHT)

    def denied(fd, size):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "read", denied)  # the bytes are read from the descriptor checked
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    assert_problem(info.value, path, "cannot be read (Permission denied)", "may read it")


# ------------------------------------------------------------------------- bands, key signals, titles


def test_titles_key_signals_and_bands_load(tmp_path):
    text = (
        TOP
        + item(
            "mood",
            "scale",
            SCALE_LABELS + 'title = "mood"\nkey_signal = true\nbands = { red = [1], amber = [2, 3], green = [4, 5] }\n',
        )
        + item(
            "design",
            "choice",
            'options = [{ id = "own", label = "Ours", band = "green" }, '
            '{ id = "theirs", label = "Theirs", band = "amber" }, { id = "none", label = "None yet" }]\n',
        )
        + item("light", extra='title = "  client   contact "\n')
    )
    checklist = load_checklist(write(tmp_path, text))
    mood, design, light = checklist.item("mood"), checklist.item("design"), checklist.item("light")
    assert mood.key_signal and mood.label == "mood"
    assert mood.scale_bands == ("red", "amber", "amber", "green", "green")
    assert [o.band for o in design.options] == ["green", "amber", None]
    assert design.option_band("theirs") == "amber" and design.option_band("none") is None
    assert light.label == "client contact" and not light.key_signal
    assert checklist.item("design").label == "design"  # no title: the id


def test_a_file_valid_before_stays_valid_with_the_default_bands(tmp_path):
    checklist = load_checklist(
        write(tmp_path, TOP + item("mood", "scale", SCALE_LABELS) + item("plan", "choice", CHOICE_OPTIONS))
    )
    assert checklist.item("mood").scale_bands == ("red", "red", "amber", "green", "green")
    assert not checklist.item("plan").can_have_band() and not checklist.item("mood").key_signal


BAD_BANDS = [
    ('"red"', ("must be a table of band = [values]", "{ red = [1, 2], amber = [3], green = [4, 5] }")),
    ("{}", ("must be a table of band = [values]",)),
    ("{ red = [1, 2], blue = [3], green = [4, 5] }", ("'blue' is not a band", "Allowed: red, amber, green")),
    ("{ red = [1, 2], amber = [3], green = [4, 6] }", ("green lists 6", "not a value of the scale")),
    ("{ red = [1, 2], amber = [3, 4], green = [4, 5] }", ("4 is in both amber and green", "one band")),
    ("{ red = [1, 2], green = [4, 5] }", ("no band for 3", "every value from 1 to 5 needs exactly one")),
    ("{ red = [1], green = [5] }", ("no band for 2, 3, 4",)),
    ("{ amber = [2, 3], green = [4, 5] }", ("no band for 1;",)),
    ("{ green = [1, 2], amber = [3], red = [4, 5] }", ("3 is amber but 2 is green", "so that 5 is the good end")),
    ("{ red = [1, 2], amber = [true], green = [3, 4, 5] }", ("amber lists true", "not a value of the scale")),
    ("{ amber = [1], red = [2], green = [3, 4, 5] }", ("2 is red but 1 is amber",)),
    ("{ blue = [1], red = [9], green = [2, 3, 4, 5] }", ("red lists 9",)),  # and 'blue': each problem is said
]


@pytest.mark.parametrize("bands, fragments", BAD_BANDS)
def test_bad_scale_bands_are_explained(tmp_path, bands, fragments):
    error, path = error_for(tmp_path, TOP + item("mood", "scale", SCALE_LABELS + f"bands = {bands}\n"))
    assert_problem(error, path, "line 15: item 'mood'", "'bands'", *fragments)


def test_bands_on_another_kind(tmp_path):
    error, path = error_for(tmp_path, TOP + item("plan", "choice", CHOICE_OPTIONS + "bands = { red = [1] }\n"))
    assert_problem(error, path, "item 'plan'", "'bands'", "only scale items", "this item is choice", 'band = "amber"')


def test_a_bad_option_band(tmp_path):
    options = 'options = [{ id = "yes", label = "Yes", band = "orange" }, { id = "no", label = "No" }]\n'
    error, path = error_for(tmp_path, TOP + item("plan", "choice", options))
    assert_problem(error, path, "line 13: item 'plan'", "'options'", "option 'yes' has band 'orange'", "red, amber, green")


@pytest.mark.parametrize(
    "kind, extra, fragments",
    [
        ("text", "", ("text answers have no band", "Remove key_signal")),
        ("date", "", ("date answers have no band",)),
        ("choice", CHOICE_OPTIONS, ("none of this choice item's options has a band", 'band = "red" or "amber"')),
    ],
)
def test_key_signal_needs_an_item_with_bands(tmp_path, kind, extra, fragments):
    error, path = error_for(tmp_path, TOP + item("a", kind, extra + "key_signal = true\n"))
    assert_problem(error, path, "item 'a'", "'key_signal'", *fragments)


def test_key_signal_must_be_a_boolean(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a", extra='key_signal = "yes"\n'))
    assert_problem(error, path, "line 13: item 'a'", "'key_signal'", "true or false")


@pytest.mark.parametrize(
    "title, extra, fragments",
    [
        ('""', "", ("a few words such as",)),
        ("3", "", ("a few words such as", "found 3")),
        ('"' + "x" * 41 + '"', "", ("at most 40 characters", "found 41")),
        ('"the mood of the whole team"', "key_signal = true\n", ("has 26 characters", "at most 24", "commit subject")),
    ],
)
def test_bad_titles(tmp_path, title, extra, fragments):
    error, path = error_for(tmp_path, TOP + item("a", extra=f"title = {title}\n{extra}"))
    assert_problem(error, path, "line 13: item 'a'", "'title'", *fragments)


def test_a_title_of_up_to_40_characters_names_an_item_that_is_no_key_signal(tmp_path):
    checklist = load_checklist(write(tmp_path, TOP + item("a", extra='title = "the mood of the whole team"\n')))
    assert checklist.item("a").label == "the mood of the whole team"


def test_item_problems_name_the_line_of_the_key_or_of_the_item(tmp_path):
    text = TOP + LIGHT + item("b", "scale", 'low = "bad"\n')
    lines = text.splitlines()
    error, path = error_for(tmp_path, text)
    header = lines.index('id = "b"')  # the line after [[items]], counted from 1
    assert lines[header - 1] == "[[items]]"
    # A missing key: the item's [[items]] line; a wrong key: its own line.
    assert_problem(error, path, f"line {header}: item 'b'", "'high'", "required")
    error, path = error_for(tmp_path, TOP + LIGHT + item("b", extra='required = "no"\n'))
    assert_problem(error, path, "line 19: item 'b'", "'required'", "true or false")


def test_top_level_problems_name_their_line(tmp_path):
    error, path = error_for(tmp_path, TOP.replace('language = "en"', 'language = "EN"') + LIGHT)
    assert_problem(error, path, "line 5: top level", "'language'", "two-letter")


def test_items_as_an_inline_array_name_the_line_of_the_array(tmp_path):
    text = TOP + 'items = [{ id = "a", question = "Q?", why = "W.", kind = "traffic-light", required = "no" }]\n'
    error, path = error_for(tmp_path, text)
    line = text.splitlines().index(text.splitlines()[-1]) + 1
    assert_problem(error, path, f"line {line}: item 'a'", "'required'")


def test_read_file_bytes_refusals_say_what_and_why(tmp_path):
    from kundencheck.core.checklist import read_file_bytes
    from kundencheck.core.i18n import N_

    big = tmp_path / "big.toml"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(ChecklistError) as info:
        read_file_bytes(big, limit=1000)
    assert str(info.value) == f"{big}: is 1,001 bytes; a checklist may be at most 1,000 bytes."
    with pytest.raises(ChecklistError) as info:
        read_file_bytes(big, what=N_("the user config"), limit=1000, hint=N_("It holds a few settings."))
    assert str(info.value) == f"{big}: is 1,001 bytes; the user config may be at most 1,000 bytes. It holds a few settings."
    assert read_file_bytes(big, limit=1001) == b"x" * 1001 and read_file_bytes(big, limit=None) == b"x" * 1001
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"0123456789" * 300_000)  # read in more than one piece
    assert read_file_bytes(huge, limit=None) == b"0123456789" * 300_000
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "inside.toml").write_bytes(b"a = 1\n")
    (tree / "link.toml").symlink_to(tree / "inside.toml")
    assert read_file_bytes(tree / "link.toml", within=tree) == b"a = 1\n"
    (tree / "out.toml").symlink_to(big)
    with pytest.raises(ChecklistError, match="leads outside the work tree"):
        load_checklist(tree / "out.toml", within=tree)
    with pytest.raises(ChecklistError) as info:
        read_file_bytes(tree / "out.toml", within=tree)
    assert str(info.value) == (
        f"{tree / 'out.toml'}: is a symbolic link that leads outside the work tree {tree}, so kundencheck does not read "
        "it: a repository could point it at any file on your machine. Replace the link with the file itself (`git rm` "
        "the link, copy the file in, commit it)."
    )


def test_read_file_bytes_refuses_what_is_no_regular_file_and_what_is_not_there(tmp_path):
    from kundencheck.core.checklist import read_file_bytes

    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ChecklistError) as info:
        read_file_bytes(folder)
    assert str(info.value) == f"{folder}: cannot be read: it is a directory, not a file. Name the file inside it."
    with pytest.raises(ChecklistError) as info:
        read_file_bytes(tmp_path / "gone.toml")
    assert str(info.value) == (
        f"{tmp_path / 'gone.toml'}: cannot be read (No such file or directory). Check that it exists and that you may read it."
    )
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.toml"
        os.mkfifo(pipe)
        with pytest.raises(ChecklistError) as info:
            read_file_bytes(pipe)  # opened without blocking, refused without reading
        assert str(info.value) == (
            f"{pipe}: cannot be read: it is a named pipe, socket or device, not a regular file, and reading it could "
            "wait forever. Replace it with a regular file."
        )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_read_file_bytes_refuses_a_file_that_grows_past_the_limit_while_read():
    """A file of /proc says it is 0 bytes long and then has more: as a file grown since its size was looked at."""
    from kundencheck.core.checklist import read_file_bytes

    with pytest.raises(ChecklistError) as info:
        read_file_bytes(Path("/proc/self/status"), limit=10)
    assert re.fullmatch(r"/proc/self/status: is [\d,]+ bytes; a checklist may be at most 10 bytes\.", str(info.value))


@pytest.mark.parametrize(
    "value, shown",
    [
        ("x" * 300, repr("x" * 200)),
        (10**30 - 1, "9" * 30),
        (10**30, "a whole number of 100 bits"),
        (-(10**30) + 1, "-" + "9" * 30),
        (-(10**30), "a whole number of 100 bits"),
        (True, "True"),
        ([0, 1, 2, 3, 4], "[0, 1, 2, 3, 4]"),
        ([0, 1, 2, 3, 4, 5], "[0, 1, 2, 3, 4, …]"),
        ([1, [2, [3, [4]]]], "[1, [2, […]]]"),
        ({f"k{n}": n for n in range(5)}, "{'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4}"),
        ({f"k{n}": n for n in range(6)}, "{'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4, …}"),
        ({"a": {"b": {"c": 1}}}, "{'a': {'b': {…}}}"),
    ],
    ids=[
        "long-text",
        "int-below",
        "int-at-limit",
        "negative-above",
        "negative-at-limit",
        "bool",
        "five",
        "six",
        "deep-list",
        "five-keys",
        "six-keys",
        "deep-table",
    ],
)
def test_a_value_from_a_file_as_a_message_shows_it(value, shown):
    assert describe_value(value, width=1000) == shown


class _FileError(Exception):
    pass


BEYOND = (
    "a whole number beyond what TOML allows (-9223372036854775808 to 9223372036854775807); kundencheck does "
    "not read it. Write a smaller number, or the value as a string in quotes."
)
NESTED = "arrays or tables are nested too deeply to read. Flatten the file."


@pytest.mark.parametrize(
    "text, problem",
    [
        ("a = 1\nb = " + "[" * 3000, "line 2, key 'b': " + NESTED),
        # brackets in strings and comments do not count; escaped quotes do not end a string
        ('a = "' + "[" * 120 + '" # ' + "[" * 120 + "\nb = " + "[" * 3000, "line 2, key 'b': " + NESTED),
        ('a = "x\\"' + "[" * 120 + '"\nb = ' + "[" * 3000, "line 2, key 'b': " + NESTED),
        ("a = 'x\\'\nb = " + "[" * 3000, "line 2, key 'b': " + NESTED),
        ("a = 1\nb = [\n" + "[" * 3000, "line 3: " + NESTED),  # no key set on the line
        ("a = 1\nbig = 9223372036854775808\n", "line 2, key 'big': " + BEYOND),
        ("n = -9223372036854775809\n", "line 1, key 'n': " + BEYOND),
        ("h = 0x8000_0000_0000_0000\n", "line 1, key 'h': " + BEYOND),
        ("o = 0o1777777777777777777777\n", "line 1, key 'o': " + BEYOND),
        ("b = 0b1" + "0" * 63 + "\n", "line 1, key 'b': " + BEYOND),
        (
            's = "99999999999999999999" # 99999999999999999999\nd = 2026-11-27\nbig = +99_999_999_999_999_999_999\n',
            "line 3, key 'big': " + BEYOND,
        ),
        ("[t]\nx = [1, 99999999999999999999]\n", "line 2, key 't.x[2]': " + BEYOND),
        ("a = 1\nhuge = " + "9" * 5000 + "\n", "line 2, key 'huge': " + BEYOND),
        # where the 100th bracket is, to the character: the last one of a line, or the first of the next
        ("a = 1\nX = " + "[" * 99 + "\n" + "[" * 3000, "line 3: " + NESTED),
        ("a = 1\nb = 2\nc = 3\nX = " + "[" * 100 + "\n" + "[" * 3000, "line 4, key 'X': " + NESTED),
        ("a = [[1]]\nb = " + "[" * 98 + "\n" + "[" * 3000, "line 3: " + NESTED),
        # closed brackets before count no more; the 100th is the first of line 3
        ("a = [[1], [2]]\nb = " + "[" * 99 + "\n[\n[\n[\n" + "[" * 3000, "line 3: " + NESTED),
        # a line the heuristic cannot read (a multi-line string ends on it): the key without a line
        ('a = ["""\nx""", 99999999999999999999]\n', "key 'a[2]': " + BEYOND),
        ('a = ["""\nx""", ' + "9" * 5000 + "]\n", BEYOND),  # nor a key: Python would not read the number
        ("\nbig = 99999999999999999999\n", "line 2, key 'big': " + BEYOND),
        ('a = 1\nx = ["s", 99999999999999999999, "t"]\n', "line 2, key 'x[2]': " + BEYOND),
        ('a = ["\\"", 99999999999999999999]\n', "line 1, key 'a[2]': " + BEYOND),
        ('"big" = 99999999999999999999\n', "line 1, key 'big': " + BEYOND),
        ('a = 1\nb = 2\nc = 3\nX = ["s", ' + "[" * 99 + "\n" + "[" * 3000, "line 4, key 'X': " + NESTED),
        # the literal beyond 64 bits is found among those that fit, whatever their base and sign
        (
            "a = -9223372036854775808\nb = 9223372036854775807\nc = +9223372036854775807\nd = 1000000000000000000\n"
            "e = 0o777777777777777777777\nf = 0b" + "1" * 63 + "\ng = 0x7fffffffffffffff\nbig = 9223372036854775808\n",
            "line 8, key 'big': " + BEYOND,
        ),
    ],
)
def test_parse_toml_bytes_points_at_the_line_and_key(text, problem):
    from kundencheck.core.checklist import parse_toml_bytes

    with pytest.raises(_FileError) as info:
        parse_toml_bytes(text.encode(), "f.toml", _FileError)
    assert str(info.value) == "f.toml: " + problem


def test_numbers_at_the_edges_of_64_bits_are_read():
    from kundencheck.core.checklist import parse_toml_bytes

    text = (
        "a = 9223372036854775807\nb = -9223372036854775808\nc = 0x7fff_ffff_ffff_ffff\n"
        "d = 0b" + "1" * 63 + "\ne = 0o777777777777777777777\n"
    )
    assert parse_toml_bytes(text.encode(), "f.toml", _FileError) == {
        "a": 2**63 - 1,
        "b": -(2**63),
        "c": 2**63 - 1,
        "d": 2**63 - 1,
        "e": 2**63 - 1,
    }
    big = parse_toml_bytes(b"x = 99999999999999999999\n", "f.toml", _FileError, check_integers=False)
    assert big == {"x": 99999999999999999999}


def test_a_long_list_of_allowed_values_is_cut_after_20():
    from kundencheck.core.checklist import _listing

    assert _listing(range(20)) == ", ".join(map(str, range(20)))
    assert _listing(range(21)) == ", ".join(map(str, range(20))) + ", …"
    assert _listing([]) == "" and _listing(["a"], limit=1) == "a" and _listing(["a", "b"], limit=1) == "a, …"


def test_bad_scale_bands_in_whole(tmp_path):
    """Every refusal of BAD_BANDS word for word (tests/core/golden/checklist-bands-errors.en.txt)."""

    said = []
    for bands, _fragments in BAD_BANDS:
        error, path = error_for(tmp_path, TOP + item("mood", "scale", SCALE_LABELS + f"bands = {bands}\n"))
        said.append(f"{bands}\n  " + str(error).replace(str(path), "CHECKLIST").replace("\n", "\n  ") + "\n")
    assert_golden("checklist-bands-errors.en.txt", "".join(said))
    path = tmp_path / "scalar.toml"
    path.write_text(
        TOP + item("mood", "scale", SCALE_LABELS + "bands = { red = 1, amber = [2, 3], green = [4, 5] }\n"), encoding="utf-8"
    )
    assert load_checklist(path).item("mood").scale_bands == ("red", "amber", "amber", "green", "green")


# ------------------------------------------------------------------------- the client's wording


def test_a_client_wording_is_read(tmp_path):
    extra = 'client.question = "Did we talk with you?"\nclient.why = "We want to hear it from you."\n'
    scale = SCALE_LABELS + 'client = { question = "How do you like it?", why = "Tell us.", high = "Very much" }\n'
    both = SCALE_LABELS + 'client = { question = "How?", why = "Tell us.", low = "Not at all", high = "Very much" }\n'
    checklist = load_checklist(
        write(tmp_path, TOP + item("a", extra=extra) + item("b", "scale", scale) + item("c") + item("d", "scale", both))
    )
    first, second, third, fourth = checklist.items
    assert (first.client.question, first.client.why) == ("Did we talk with you?", "We want to hear it from you.")
    assert (first.client.low, first.client.high) == ("", "")
    assert (second.client.low, second.client.high) == ("", "Very much")
    assert third.client is None  # the team's own item: not asked
    assert (fourth.client.low, fourth.client.high) == ("Not at all", "Very much")


@pytest.mark.parametrize("kind", ["text", "date", "choice"])
def test_only_traffic_lights_and_scales_are_asked_of_the_client(tmp_path, kind):
    extra = 'client.question = "Q?"\nclient.why = "W."\n' + (CHOICE_OPTIONS if kind == "choice" else "")
    error, path = error_for(tmp_path, TOP + item("a", kind, extra))
    assert_problem(error, path, "line 13", "item 'a'", "key 'client'", "only traffic-light and scale items", kind)


def test_a_client_wording_needs_question_and_why_and_known_keys(tmp_path):
    error, path = error_for(tmp_path, TOP + item("a", extra='client = { question = "Q?", low = "x" }\n'))
    assert_problem(error, path, "line 13", "item 'a', key 'client', key 'why'", "required")
    assert_problem(error, path, "item 'a', key 'client', key 'low'", "unknown key")
    error, path = error_for(tmp_path, TOP + item("a", extra='client = "Did we talk?"\n'))
    assert_problem(error, path, "item 'a', key 'client'", "must be a table")


def test_the_shipped_checklists_ask_the_client_what_a_client_can_answer():
    """Client wordings for expectations, contact, decisions, deviations, alternatives and the
    collaboration; none for the team's inner items (mood, self-criticism)."""
    root = Path(__file__).resolve().parents[2] / "checklists"
    asked = {}
    for path in sorted(root.glob("*.toml")):
        checklist = load_checklist(path)
        asked[path.name] = {i.id for i in checklist.items if i.client is not None}
        for found in checklist.items:
            if found.client is not None:
                assert found.client.question.endswith("?") and found.client.why, (path.name, found.id)
    assert {
        "client-contacted",
        "expectations-still-match",
        "open-decisions-shared",
        "deviations-announced",
        "alternatives-offered",
        "respectful-talk",
    } <= asked["build.en.toml"]
    for name, items in asked.items():
        assert not items & {"team-mood", "self-critical-advice", "advice-improve", "lessons-learned-held"}, name
        assert items == asked[name.replace(".de.", ".en.")], name


BEYOND = (
    "a whole number beyond what TOML allows (-9223372036854775808 to 9223372036854775807); kundencheck does not read it. "
    "Write a smaller number, or the value as a string in quotes."
)


@pytest.mark.parametrize(
    "text, where",
    [
        # the same digits in a string and in a comment are no number
        ('a = 1\nb = "x = 99999999999999999999"  # 99999999999999999999\nc = 99999999999999999999\n', "line 3, key 'c'"),
        ('a = 1\n[t]\nx = "q\\"uote 0x1"\ny = 0x1_0000_0000_0000_0000\n', "line 4, key 't.y'"),
        ("a = -9223372036854775808\nb = -9223372036854775809\n", "line 2, key 'b'"),
        ("a = +9_223_372_036_854_775_807\nb = 0o1777777777777777777777\n", "line 2, key 'b'"),
        ("a = { b = 1, c = 0b1" + "1" * 64 + " }\n", "line 1, key 'a.c'"),
        ("\ufeffa = 1\nb = 99999999999999999999\n", "line 2, key 'b'"),
        ("0x_ = 1\nb = 99999999999999999999\n", "line 2, key 'b'"),  # a key that looks like a number
        ("a = 'x'\nbig = " + "9" * 5000 + "\n", "line 2, key 'big'"),  # more digits than Python reads: no key from the parse
    ],
    ids=["decimal", "hex", "negative", "octal", "inline", "bom", "number-like-key", "5000-digits"],
)
def test_a_number_beyond_64_bits_is_named_by_line_and_key(text, where):
    with pytest.raises(ChecklistError) as info:
        parse_toml_bytes(text.encode("utf-8"), "x.toml")
    assert info.value.problems == [f"{where}: {BEYOND}"]


def test_the_code_outside_strings_and_comments_with_its_offsets():
    """What the error messages' line finder looks at: a '#' in a string is no comment, a literal
    string ('...') has no escapes, a basic one ("...") has; offsets count from the text's start."""
    from kundencheck.core.checklist import _code

    text = 'a = "x#y" # c\nb = \'q\\\' 1\nc = "es\\"c" 2 # "\nd = 3'
    assert list(_code(text)) == [(0, "a = "), (9, " "), (14, "b = "), (22, " 1"), (25, "c = "), (36, " 2 "), (43, "d = 3")]
    assert list(_code("")) == [(0, "")]


def test_a_checklist_made_by_replacing_one_has_an_item_index_of_its_own():
    """``dataclasses.replace`` of a checklist (as the catalog does for an extension) once shared
    the item index of the original and refilled it, so the original answered with the new
    items (a test's checklist with an anonymous item lost it when another test replaced one)."""
    import dataclasses

    from tests.support.checklists import checklist, item

    original = checklist(item("contacted"), "mood")
    anonymous = dataclasses.replace(original, items=tuple(i._replace(anonymous=True) for i in original.items))
    again = dataclasses.replace(original, language="de")
    assert anonymous.item("contacted").anonymous and not original.item("contacted").anonymous
    assert again.item("contacted") is original.item("contacted") and again.item("gone") is None


def test_where_each_key_of_a_checklist_file_is():
    """The lines the problems of a checklist file name (a heuristic over its lines): top-level
    keys, each [[items]] table's keys, an item's own tables ([items.client]) by their header,
    other tables by their first name."""
    from kundencheck.core.checklist import _KeyLines

    text = "\n".join(
        [
            'id = "build"',  # 1
            '"title" = "T"',  # 2
            "[[items]]",  # 3
            'id = "a"',  # 4
            "kind.x = 1",  # 5
            "[items.client]",  # 6
            'question = "Q"',  # 7
            "[[ items ]]",  # 8
            "'id' = 'b'",  # 9
            "[[items.options]]",  # 10
            'id = "o"',  # 11
            "[ meta.more ]",  # 12
            'id = "m"',  # 13
            "[items.client]",  # 14
        ]
    )
    lines = _KeyLines(text)
    assert lines.top == {"id": 1, "title": 2, "items": 10, "meta": 12}
    assert lines.items == [{"": 3, "id": 4, "kind": 5, "client": 6}, {"": 8, "id": 9, "client": 14}]
    assert (lines.find(None, "title"), lines.find(None, 3), lines.find(1, "client"), lines.find(2, "why")) == (2, None, 6, 8)
    assert (lines.find(2, 7), lines.find(3, "id")) == (8, None)
    inline = _KeyLines('id = "x"\nitems = [\n  { id = "a" },\n]\n[items.client]\n')
    assert inline.items == [] and inline.find(1, "id") == 2 and inline.top["items"] == 2


def test_a_value_as_a_problem_shows_it():
    from kundencheck.core.checklist import _describe

    assert (_describe(True), _describe(False)) == ("true", "false")  # as TOML writes them
    assert _describe("x" * 40) == repr("x" * 40)
    assert _describe("x" * 41) == repr("x" * 39 + "…")
    assert (_describe([1]), _describe({"a": 1}), _describe(1.5)) == ("a list", "a dict", "1.5")


def test_a_checklist_file_that_cannot_be_parsed_names_itself(tmp_path):
    path = write(tmp_path, "format = \n")
    with pytest.raises(ChecklistError) as info:
        read_toml_file(path)
    assert info.value.path == str(path) and info.value.problems[0].startswith("line 1, column 10: TOML syntax error")


@pytest.mark.parametrize(
    "text, expected",
    [
        # an [items] table where an array of tables belongs: the line of its header
        (TOP + '\n[items]\nid = "a"\n', "line 8: top level, key 'items'"),
        # a table deeper inside an item: the line of its header, as the key it belongs to
        (TOP + LIGHT + "\n[items.client.more]\nx = 1\n", "line 14: item 'a', key 'client'"),
        (TOP.replace("format = 1", "format = 1\nX = 1") + LIGHT, "line 2: top level, key 'X'"),
    ],
)
def test_a_problem_is_put_on_the_line_of_its_key(tmp_path, text, expected):
    error, _path = error_for(tmp_path, text)
    assert any(problem.startswith(expected) for problem in error.problems), error.problems


#: Bad items, one refusal each at least, for the golden file below.
BAD_ITEMS = [
    "items = [1, 2]\n",
    item("a") + item("a"),
    item("a", "colour"),
    item("a", "traffic-light", 'low = "bad"\n'),
    item("a", "text", CHOICE_OPTIONS),
    item("a", "traffic-light", "bands = { red = [1], green = [2] }\n"),
    item("a", "choice", CHOICE_OPTIONS + "key_signal = true\n"),
    item("a", "text", "key_signal = true\n"),
    item("a", "text", "anonymous = true\n"),
    item("a", extra="title = 1\n"),
    item("Bad"),
    item("a", extra='required = "no"\n'),
    item("a", "text", 'note_when = ["red"]\n'),
    item("a", extra='action_when = ["red", "blue"]\n'),
    item("a", extra='title = "' + "Kunden " * 5 + 'Kunden"\n'),  # 41 characters
    item("a", extra='title = "Kunden Kunden Kunden Kund"\nkey_signal = true\n'),  # 25 characters
    item("a", extra='title = "' + "Kunden " * 6 + 'Kunden"\nkey_signal = true\n'),  # too long for any title
    item("a", "choice", 'options = [{ id = "yes", label = "Yes" }]\n'),
    item("a", "choice", 'options = ["yes", { id = "no", label = "No" }]\n'),
    item("a", "choice", 'options = [{ id = "Yes", label = "Yes" }, { id = "no", label = "No" }]\n'),
    item("a", "choice", 'options = [{ id = "yes", label = " " }, { id = "no", label = "No" }]\n'),
    item("a", "choice", 'options = [{ id = "yes", label = "Yes" }, { id = "yes", label = "Ja" }]\n'),
    item("a", "choice", 'options = [{ id = "yes", label = "Yes", band = "blue" }, { id = "no", label = "No" }]\n'),
    item(
        "a",
        "choice",
        'options = ["yes", { id = "No", label = "No" }, { id = "x", label = " " }, { id = "z", label = "Z", band = "blue" }, '
        '{ id = "y", label = "Y" }, { id = "y", label = "Z" }, { id = "w", label = "W", band = "red" }]\n',
    ),
    item("a") + item("b", extra='when = "a"\n'),
    item("a") + item("b", extra='when = { item = ["a"], equals = "green" }\n'),
    item("a", extra='when = { item = "b", equals = "green" }\n') + item("b"),
    item("a") + item("b", extra='when = { item = "a", equals = ["green", "blue"] }\n'),
    item("a") + item("b", extra='when = { item = "a", equals = [] }\n'),
    item("a", "text", 'client.question = "Q?"\nclient.why = "W."\n'),
    item("a", extra='client = { question = "Q?", low = "x" }\n'),
    item("a", extra='client = "Did we talk?"\n'),
    item("a", extra='client = { question = "Q?", why = "W.", high = "x" }\n'),
]


def test_titles_at_their_limits_are_read(tmp_path):
    forty = "Kunden " * 5 + "Kunde"
    twenty_four = "Kunden Kunden Kunden Kun"
    checklist = load_checklist(
        write(
            tmp_path,
            TOP + item("a", extra=f'title = "{forty}"\n') + item("b", extra=f'title = "{twenty_four}"\nkey_signal = true\n'),
        )
    )
    assert [i.title for i in checklist.items] == [forty, twenty_four] and (len(forty), len(twenty_four)) == (40, 24)


def test_bad_items_in_whole(tmp_path):
    """Every refusal of BAD_ITEMS word for word, with its line (tests/core/golden/checklist-item-errors.en.txt)."""
    said = []
    for text in BAD_ITEMS:
        error, path = error_for(tmp_path, TOP + text)
        said.append(f"{text.strip()}\n  " + str(error).replace(str(path), "CHECKLIST").replace("\n", "\n  ") + "\n")
    assert_golden("checklist-item-errors.en.txt", "".join(said))


#: Bad checklist files as a whole, for the golden file below.
BAD_FILES = [
    b"",
    TOP.encode() + b'note = "caf\xe9"\n',
    TOP.replace('version = "1.0"\n', "") + LIGHT,
    TOP.replace('version = "1.0"\n', "version = 1979-05-27\n") + LIGHT,
    TOP.replace("format = 1\n", "format = 2\n") + LIGHT,
    TOP.replace("format = 1\n", 'format = "one"\n') + LIGHT,
    TOP.replace('language = "en"\n', 'language = "english"\n') + LIGHT,
    TOP.replace('title = "Sprint start"\n', "title = 1\n") + LIGHT,
    TOP,
    TOP + 'items = "a"\n',
    TOP + "items = []\n",
    TOP + "a = \n" + LIGHT,
    TOP + LIGHT + 'b = "open',
    TOP + "a = " + "[" * 2000 + "]" * 2000 + "\n" + LIGHT,
    TOP + "a = 99999999999999999999\n" + LIGHT,
    TOP + item("a", "x" * 45),
    TOP + item("a", "x" * 40),
    TOP + item("a", "x" * 41),
    TOP + item("a", "false").replace('kind = "false"', "kind = false"),
    TOP + item("a", "true").replace('kind = "true"', "kind = true"),
    TOP + item("a", "date").replace('kind = "date"', "kind = 1979-05-27"),
]


def test_bad_files_in_whole(tmp_path):
    """Every refusal of BAD_FILES word for word (tests/core/golden/checklist-file-errors.en.txt)."""
    said = []
    for text in BAD_FILES:
        error, path = error_for(tmp_path, text)
        shown = text if isinstance(text, bytes) else text.encode()
        said.append(f"{shown[-120:]!r}\n  " + str(error).replace(str(path), "CHECKLIST").replace("\n", "\n  ") + "\n")
    assert_golden("checklist-file-errors.en.txt", "".join(said))
