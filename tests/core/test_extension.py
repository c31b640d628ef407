"""A team's own questions: extension files that add items to a shipped checklist without copying
it (docs/checklist-format.md, "A team's own questions"), and the comparison of a checklist's
languages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kundencheck.core.catalog import (
    PROJECT_CHECKLISTS,
    load_catalog,
    load_checklist_file,
    shipped_dir,
)
from kundencheck.core.checklist import (
    Kind,
    checklist_from_dict,
    extension_base,
    language_differences,
    load_checklist,
    merge_extension,
)
from kundencheck.core.errors import ChecklistError

ADDED = """
[[items]]
id = "staging-shown"
after = "client-contacted"
question = "Did we show the client the staging site?"
why = "Seeing it early turns surprises into feedback."
kind = "traffic-light"
note_when = ["amber", "red"]
"""


def extension(root: Path, body: str = ADDED, *, language: str = "en", extends: str = "build", head: str = "") -> Path:
    folder = root / PROJECT_CHECKLISTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{extends}.{language}.toml"
    path.write_text(f'format = 1\nextends = "{extends}"\nlanguage = "{language}"\n{head}{body}', encoding="utf-8")
    return path


def shipped(checklist_id: str = "build", language: str = "en"):
    return load_checklist(shipped_dir() / f"{checklist_id}.{language}.toml")


def test_an_extension_adds_its_items_and_inherits_the_shipped_ones(tmp_path):
    path = extension(tmp_path)
    base = shipped()
    merged = load_checklist_file(path)
    ids = [item.id for item in merged.items]
    assert ids == [base.items[0].id, "staging-shown", *[item.id for item in base.items[1:]]]
    assert merged.items[2:] == base.items[1:] and merged.items[0] == base.items[0]  # the shipped ones, as shipped
    assert (merged.id, merged.phase, merged.title, merged.language) == (base.id, base.phase, base.title, "en")
    assert merged.version == f"{base.version}+team" and merged.extends == "build" and merged.source == str(path)
    added = merged.item("staging-shown")
    assert added.kind is Kind.TRAFFIC_LIGHT and added.note_when == {"amber", "red"} and not added.action_when


def test_the_project_uses_the_extension_in_place_of_the_shipped_checklist(tmp_path):
    extension(tmp_path)
    catalog = load_catalog(tmp_path)
    found = catalog.find("build", "en")
    assert found.item("staging-shown") is not None and found.extends == "build"
    assert load_catalog(tmp_path).checklists[("build", "en")].item("staging-shown") is not None  # the full search too
    assert catalog.find("build", "de").item("staging-shown") is None  # the other language as shipped
    assert load_catalog(None).find("build", "en").item("staging-shown") is None


def test_added_items_keep_their_order_and_may_build_on_each_other(tmp_path):
    body = (
        ADDED
        + """
[[items]]
id = "staging-feedback"
after = "client-contacted"
question = "Did the client comment on staging?"
why = "Silence on a demo is not agreement."
kind = "choice"
options = [{ id = "yes", label = "Yes" }, { id = "no", label = "No" }]

[[items]]
id = "feedback-noted"
question = "Did we write the feedback down?"
why = "Unwritten feedback is forgotten."
kind = "traffic-light"
when = { item = "staging-feedback", equals = "yes" }
"""
    )
    merged = load_checklist_file(extension(tmp_path, body, head='version = "2"\n'))
    ids = [item.id for item in merged.items]
    assert ids[1:3] == ["staging-shown", "staging-feedback"] and ids[-1] == "feedback-noted"
    assert merged.version == f"{shipped().version}+2"
    assert merged.item("feedback-noted").when.item == "staging-feedback"


@pytest.mark.parametrize(
    "body, head, needles",
    [
        (
            ADDED.replace('after = "client-contacted"', 'after = "nope"'),
            "",
            ["item 'staging-shown', key 'after': 'nope' is not an item of the build checklist", "client-contacted"],
        ),
        (
            ADDED.replace('id = "staging-shown"', 'id = "client-contacted"'),
            "",
            ["item 'client-contacted', key 'id': duplicate id"],
        ),
        (ADDED.replace('kind = "traffic-light"', 'kind = "slider"'), "", ["key 'kind': 'slider' is not a kind"]),
        ("", "", ["top level, key 'items': required, at least one [[items]] table with a question of your own."]),
        (ADDED, 'colour = "red"\n', ["top level, key 'colour': unknown key"]),
        (ADDED + 'when = { item = "nope", equals = "yes" }\n', "", ["key 'when': item 'nope' is not an earlier item"]),
    ],
)
def test_problems_of_an_extension_name_its_file_item_and_key(tmp_path, body, head, needles):
    path = extension(tmp_path, body, head=head)
    with pytest.raises(ChecklistError) as caught:
        load_checklist_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for needle in needles:
        assert needle in message, (needle, message)


def test_extending_what_is_not_shipped_says_what_is(tmp_path):
    path = extension(tmp_path, extends="retro")
    with pytest.raises(ChecklistError) as caught:
        load_checklist_file(path)
    assert caught.value.path == str(path)
    assert caught.value.problems == [
        (
            "top level, key 'extends': kundencheck ships no checklist 'retro' in language 'en', so there is nothing to "
            "extend. Shipped: acceptance, build, design, handover, kickoff (de, en). Extend one of them, or write a whole "
            "checklist without 'extends'."
        )
    ]
    fr = extension(tmp_path, language="fr")
    with pytest.raises(ChecklistError, match="ships no checklist 'build' in language 'fr'"):
        load_checklist_file(fr)
    # A broken extension is reported when its checklist is asked for, not skipped for the shipped one.
    with pytest.raises(ChecklistError, match="retro"):
        load_catalog(tmp_path).find("retro", "en")


def test_a_whole_checklist_cannot_use_after(tmp_path):
    """``after`` belongs to extensions; files without ``extends`` read as before."""
    text = (shipped_dir() / "build.en.toml").read_text() + ADDED
    folder = tmp_path / PROJECT_CHECKLISTS
    folder.mkdir(parents=True)
    (folder / "build.en.toml").write_text(text)
    with pytest.raises(ChecklistError, match="item 'staging-shown', key 'after': unknown key"):
        load_checklist_file(folder / "build.en.toml")
    (folder / "build.en.toml").write_text(text.replace('after = "client-contacted"\n', ""))
    assert load_checklist_file(folder / "build.en.toml").items[-1].id == "staging-shown"


def test_every_shipped_checklist_has_the_same_items_kinds_and_options_in_both_languages():
    for path in sorted(shipped_dir().glob("*.de.toml")):
        german, english = load_checklist(path), load_checklist(path.with_name(path.name.replace(".de.", ".en.")))
        assert language_differences(german, english) == [], path.name


def test_language_differences_name_missing_items_kinds_and_options(tmp_path):
    english = load_checklist_file(extension(tmp_path))
    german = shipped("build", "de")
    differences = language_differences(german, english)
    assert [(d.what, d.item, d.language) for d in differences] == [("missing", "staging-shown", "en")]
    data = tomllib.loads((shipped_dir() / "build.de.toml").read_text())
    items = {item["id"]: item for item in data["items"]}
    items["team-mood"]["id"] = "team-mood-x"
    items["own-design"]["options"][1]["id"] = "nein"
    found = {(d.what, d.item) for d in language_differences(checklist_from_dict(data), shipped("build", "en"))}
    assert found == {("missing", "team-mood-x"), ("missing", "team-mood"), ("options", "own-design")}
    # every item after a missing one is still compared; the options are named in order
    data["items"][0]["id"] += "-x"  # an item before own-design goes missing too
    differences = language_differences(checklist_from_dict(data), shipped("build", "en"))
    [options] = [d for d in differences if d.what == "options"]
    english_options = ", ".join(o.id for o in shipped("build", "en").item("own-design").options)
    assert options.detail == (english_options.replace(english_options.split(", ")[1], "nein"), english_options)
    data = tomllib.loads((shipped_dir() / "build.de.toml").read_text())
    advice = next(item for item in data["items"] if item["id"] == "advice-improve")
    advice["kind"] = "date"
    [difference] = language_differences(checklist_from_dict(data), shipped("build", "en"))
    assert (difference.what, difference.item, difference.detail) == ("kind", "advice-improve", ("date", "text"))


def test_a_client_wording_in_one_language_only_is_a_difference():
    data = tomllib.loads((shipped_dir() / "build.de.toml").read_text())
    contacted = next(item for item in data["items"] if item["id"] == "client-contacted")
    del contacted["client"]
    [difference] = language_differences(checklist_from_dict(data), shipped("build", "en"))
    assert (difference.what, difference.item, difference.language) == ("client", "client-contacted", "en")
    [difference] = language_differences(shipped("build", "en"), checklist_from_dict(data))
    assert (difference.what, difference.item, difference.language) == ("client", "client-contacted", "en")


@pytest.mark.parametrize("anonymous_in", ["de", "en"])
def test_an_item_anonymous_in_one_language_only_is_a_difference(anonymous_in):
    data = tomllib.loads((shipped_dir() / f"build.{anonymous_in}.toml").read_text())
    mood = next(item for item in data["items"] if item["id"] == "team-mood")
    mood["anonymous"] = not mood.get("anonymous", False)
    changed = checklist_from_dict(data)
    other = shipped("build", "en" if anonymous_in == "de" else "de")
    [difference] = language_differences(changed, other)
    assert (difference.what, difference.item) == ("anonymous", "team-mood")
    assert difference.language == (anonymous_in if changed.item("team-mood").anonymous else other.language)
    [difference] = language_differences(other, changed)
    assert difference.language == (anonymous_in if changed.item("team-mood").anonymous else other.language)


BASE = {
    "format": 1, "id": "build", "title": "Build", "phase": "build", "language": "en", "version": " 1.0 ", "description": "d",
    "items": [{"id": "a", "question": "A?"}, {"id": "b", "question": "B?"}, "not a table"],
}  # fmt: skip


@pytest.mark.parametrize(
    "data, problems",
    [
        (
            {"format": 2, "extends": "build", "version": True, "items": "x"},
            [
                "top level, key 'format': must be 1 (found 2); this version of kundencheck reads format 1.",
                "top level, key 'version': the version of your additions, a string such as \"2\" (or leave it out).",
                "top level, key 'items': required, at least one [[items]] table with a question of your own.",
            ],
        ),
        (
            {"format": "1", "version": " ", "items": [1, {"id": "c", "after": "no"}, {"id": "B!", "after": 7}], "extends": "x"},
            [
                "top level, key 'format': must be 1 (found '1'); this version of kundencheck reads format 1.",
                "top level, key 'version': the version of your additions, a string such as \"2\" (or leave it out).",
                "item 1: must be a table ([[items]]), found 1.",
                "item 'c', key 'after': 'no' is not an item of the x checklist (nor one added above it). Its items: a, b.",
                "item 3, key 'after': 7 is not an item of the x checklist (nor one added above it). Its items: a, b.",
            ],
        ),
        ({"format": 1, "extends": "build", "items": []}, [
            "top level, key 'items': required, at least one [[items]] table with a question of your own."]),
    ],
    ids=["wrong-kinds", "items-and-after", "no-items"],
)  # fmt: skip
def test_every_problem_of_an_extension_word_for_word(data, problems):
    with pytest.raises(ChecklistError) as caught:
        merge_extension(data, BASE, "ext.toml")
    assert caught.value.problems == problems


def test_the_merged_table_of_an_extension():
    data = {"format": 1, "extends": "build", "version": 2.5, "title": "Ours", "language": "de",
            "items": [{"id": "c", "after": "a"}, {"id": "d", "after": "a"}, {"id": "e"}]}  # fmt: skip
    assert merge_extension(data, BASE, "ext.toml") == {
        "format": 1, "id": "build", "title": "Ours", "phase": "build", "language": "de", "description": "d",
        "version": "1.0+2.5",
        "items": [{"id": "a", "question": "A?"}, {"id": "c"}, {"id": "d"}, {"id": "b", "question": "B?"}, {"id": "e"}],
    }  # fmt: skip
    data = {"format": 1, "extends": "build", "id": "ours", "phase": "p", "description": "e", "items": [{"id": "c"}]}
    assert merge_extension(data, BASE, "ext.toml") == {
        "format": 1, "id": "ours", "title": "Build", "phase": "p", "language": "en", "description": "e",
        "version": "1.0+team", "items": [*BASE["items"][:2], {"id": "c"}],
    }  # fmt: skip
    bare = {"format": 1, "id": "build", "version": "1"}  # no items, no description, no language
    assert merge_extension({"format": 1, "version": 3, "items": [{"id": "c"}]}, bare, "ext.toml") == {
        "format": 1, "id": "build", "language": None, "version": "1+3", "items": [{"id": "c"}]}  # fmt: skip
    assert merge_extension({"format": 1, "version": " x ", "items": [{"id": "c"}]}, bare, "ext.toml")["version"] == "1+x"
    # Two added after the last item: in their order, at the end.
    data = {"format": 1, "items": [{"id": "c", "after": "b"}, {"id": "d", "after": "b"}]}
    assert [i["id"] for i in merge_extension(data, BASE, "ext.toml")["items"]] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "data, problems",
    [
        ({"extends": "Build", "language": "EN"}, [
            (
                "top level, key 'extends': 'Build' is not a safe id. Use 1 to 64 lowercase letters a-z, digits and dashes, "
                "starting with a letter or digit (no dots, slashes, spaces or capitals, and not a Windows device name such "
                "as con, nul or com1): ids become file names."
            ),
            "top level, key 'language': 'EN' is not a two-letter lowercase language code such as 'de' or 'en'.",
        ]),
        ({"language": "en"}, ["top level, key 'extends': required, an id of lowercase letters, digits and dashes."]),
    ],
)  # fmt: skip
def test_what_an_extension_extends_word_for_word(data, problems):
    with pytest.raises(ChecklistError) as caught:
        extension_base(data, "ext.toml")
    assert caught.value.path == "ext.toml" and caught.value.problems == problems


def test_what_an_extension_extends():
    assert extension_base({"extends": "build", "language": "de"}, "ext.toml") == ("build", "de")
