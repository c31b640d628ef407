"""Finding checklists: the shipped ten and a project's own in .kundencheck/checklists/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kundencheck.core import catalog as catalog_module
from kundencheck.core.catalog import (
    PROJECT_CHECKLISTS,
    checklist_paths,
    load_catalog,
    shipped_dir,
)
from kundencheck.core.checklist import KNOWN_PHASES, load_checklist
from kundencheck.core.errors import ChecklistError, UsageError

REPO_CHECKLISTS = Path(__file__).resolve().parents[2] / "checklists"
LANGUAGES = ("de", "en")


def checklist_text(checklist_id: str, language: str = "en", title: str = "Ours", phase: str | None = None) -> str:
    return f"""\
format = 1
id = "{checklist_id}"
title = "{title}"
phase = "{phase or checklist_id}"
language = "{language}"
version = "1.0"

[[items]]
id = "a"
question = "Question?"
why = "Because."
kind = "traffic-light"
"""


def put(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fake_shipped(tmp_path, monkeypatch) -> Path:
    """An empty stand-in for the shipped checklists, so these tests do not depend on them."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    monkeypatch.setattr(catalog_module, "shipped_dir", lambda: folder)
    return folder


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / PROJECT_CHECKLISTS).mkdir(parents=True)
    return root


# ------------------------------------------------------------------------- the shipped checklists


def test_shipped_dir_is_found_in_a_source_checkout():
    assert shipped_dir().resolve() == REPO_CHECKLISTS
    assert shipped_dir().is_dir()


def test_every_shipped_file_loads_without_error():
    files = sorted(REPO_CHECKLISTS.glob("*.toml"))
    assert files, "checklists/ holds no checklist"
    problems = []
    for path in files:
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            problems.append(str(exc))
            continue
        # File names follow the ID.LANG.toml convention.
        if path.name != f"{checklist.id}.{checklist.language}.toml":
            problems.append(f"{path.name}: id {checklist.id!r} / language {checklist.language!r} do not match the file name")
    assert not problems, "\n".join(problems)


def test_the_ten_shipped_checklists_exist_and_agree_across_languages():
    missing = [
        f"{p}.{lang}.toml" for p in KNOWN_PHASES for lang in LANGUAGES if not (REPO_CHECKLISTS / f"{p}.{lang}.toml").is_file()
    ]
    assert not missing, f"missing shipped checklists: {', '.join(missing)}"
    for phase in KNOWN_PHASES:
        loaded = {lang: load_checklist(REPO_CHECKLISTS / f"{phase}.{lang}.toml") for lang in LANGUAGES}
        shapes = {}
        for lang, checklist in loaded.items():
            assert (checklist.id, checklist.phase, checklist.language) == (phase, phase, lang)
            shapes[lang] = [
                (
                    item.id,
                    item.kind,
                    item.required,
                    item.when,
                    item.note_when,
                    item.action_when,
                    tuple((o.id, o.band) for o in item.options),
                    item.key_signal,
                    item.scale_bands,
                )
                for item in checklist.items
            ]
            # Every shipped item has a short title for the commit subject and the reports.
            assert all(item.title for item in checklist.items), f"{phase}.{lang}: an item has no title"
        assert shapes["de"] == shapes["en"], f"{phase}: de and en differ in item ids, kinds, conditions, bands or key signals"
        assert loaded["de"].version == loaded["en"].version, f"{phase}: de and en versions differ"


def test_the_shipped_key_signals():
    """Team mood, client contact and expectations are the signals a commit subject names."""
    signals = {
        (phase, item.id)
        for phase in KNOWN_PHASES
        for item in load_checklist(REPO_CHECKLISTS / f"{phase}.en.toml").items
        if item.key_signal
    }
    assert signals == {
        ("build", "team-mood"),
        ("build", "client-contacted"),
        ("build", "expectations-still-match"),
        ("design", "expectations-still-match"),
    }


def test_shipped_catalog_finds_every_phase_in_both_languages(tmp_path):
    catalog = load_catalog(tmp_path)
    assert catalog.errors == []
    assert catalog.phases() == list(KNOWN_PHASES)
    for phase in KNOWN_PHASES:
        for lang in LANGUAGES:
            assert catalog.find(phase, lang).language == lang


# ------------------------------------------------------------------------- lookup rules


def test_project_checklist_overrides_shipped_one(fake_shipped, project):
    put(fake_shipped, "build.en.toml", checklist_text("build", title="Shipped"))
    put(fake_shipped, "build.de.toml", checklist_text("build", "de", title="Ausgeliefert"))
    put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build", title="Ours"))
    catalog = load_catalog(project)
    assert catalog.find("build", "en").title == "Ours"
    assert catalog.find("build", "de").title == "Ausgeliefert"  # only the same id and language is overridden
    assert checklist_paths(project)[0].parent == fake_shipped  # shipped first, so the project's file wins


def test_override_is_by_id_and_language_inside_not_by_file_name(fake_shipped, project):
    put(fake_shipped, "build.en.toml", checklist_text("build", title="Shipped"))
    put(project / PROJECT_CHECKLISTS, "my-own-name.toml", checklist_text("build", title="Ours"))
    assert load_catalog(project).find("build", "en").title == "Ours"


def test_language_falls_back_to_english(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "custom.en.toml", checklist_text("custom", "en", title="English"))
    put(project / PROJECT_CHECKLISTS, "custom.fr.toml", checklist_text("custom", "fr", title="Français"))
    catalog = load_catalog(project)
    assert catalog.find("custom", "de").title == "English"
    assert catalog.find("custom", "fr").title == "Français"


def test_any_language_when_neither_requested_nor_english_exists(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "custom.fr.toml", checklist_text("custom", "fr", title="Français"))
    assert load_catalog(project).find("custom", "de").title == "Français"


def test_unknown_checklist_is_a_usage_error_listing_known_ones(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "custom.en.toml", checklist_text("custom", phase="uat"))
    catalog = load_catalog(project)
    with pytest.raises(UsageError) as info:
        catalog.find("nope", "de")
    assert str(info.value) == (
        "There is no checklist 'nope'. Known: acceptance, build, custom, design, handover, kickoff. Add your own as "
        f"{PROJECT_CHECKLISTS}/nope.de.toml (see docs/checklist-format.md)."
    )
    assert info.value.exit_code == 2


def test_no_project_root(fake_shipped):
    put(fake_shipped, "build.en.toml", checklist_text("build"))
    assert load_catalog(None).find("build", "de").id == "build"


def test_broken_project_file_named_for_the_request_is_reported(fake_shipped, project):
    put(fake_shipped, "build.en.toml", checklist_text("build", title="Shipped"))
    broken = put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build") + "colour = 1\n")
    catalog = load_catalog(project)
    with pytest.raises(ChecklistError) as info:
        catalog.find("build", "en")
    assert info.value.path == str(broken)
    assert info.value.problems == [  # the line, from the file's own text
        (
            "line 13: item 'a', key 'colour': unknown key. Allowed: action_when, anonymous, bands, client, high, id, key_signal, "
            "kind, low, note_when, options, question, required, title, when, why."
        )
    ]


def test_a_project_checklist_over_the_size_limit_is_refused(fake_shipped, project):
    big = put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build") + "# " + "x" * 1_000_000 + "\n")
    with pytest.raises(ChecklistError) as info:
        load_catalog(project).find("build", "en")
    assert info.value.path == str(big)
    assert info.value.problems == [
        f"is {big.stat().st_size:,} bytes; a checklist may be at most 1,000,000 bytes. Split it or remove the bulk."
    ]


def test_broken_file_is_reported_when_nothing_else_matches(fake_shipped, project):
    broken = put(project / PROJECT_CHECKLISTS, "whatever.toml", "format = = 1\n")
    catalog = load_catalog(project)
    with pytest.raises(ChecklistError) as info:
        catalog.find("custom", "en")  # file names are a convention: the broken file could be it
    assert info.value.path == str(broken) and "line 1, column" in str(info.value)


def test_broken_file_with_the_requested_name_is_preferred(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "aaa.en.toml", "format = = 1\n")
    broken = put(project / PROJECT_CHECKLISTS, "custom.de.toml", "format = 2\n")
    with pytest.raises(ChecklistError) as info:
        load_catalog(project).find("custom", "de")
    assert info.value.path == str(broken)


def test_unrelated_broken_file_does_not_block_a_found_checklist(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build", title="Ours"))
    put(project / PROJECT_CHECKLISTS, "other.en.toml", "not toml at all")
    catalog = load_catalog(project)
    assert catalog.find("build", "en").title == "Ours"
    assert len(catalog.errors) == 1 and "other.en.toml" in catalog.errors[0].path


def test_a_broken_shipped_file_in_the_language_asked_for_is_reported_not_replaced_by_english(fake_shipped, project):
    broken = put(fake_shipped, "build.de.toml", "broken = = \n")
    put(fake_shipped, "build.en.toml", checklist_text("build", title="English"))
    with pytest.raises(ChecklistError) as info:
        load_catalog(project).find("build", "de")
    assert info.value.path == str(broken)


def test_broken_shipped_file_overridden_by_the_project_is_not_reported(fake_shipped, project):
    put(fake_shipped, "build.en.toml", "broken = = \n")
    put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build", title="Ours"))
    assert load_catalog(project).find("build", "en").title == "Ours"


def test_a_project_checklist_linked_from_outside_the_work_tree_is_refused(fake_shipped, project, tmp_path):
    outside = put(tmp_path / "elsewhere", "build.en.toml", checklist_text("build", title="Elsewhere"))
    link = project / PROJECT_CHECKLISTS / "build.en.toml"
    link.symlink_to(outside)
    with pytest.raises(ChecklistError) as info:
        load_catalog(project).find("build", "en")
    assert info.value.path == str(link)
    assert info.value.problems == [
        (
            f"is a symbolic link that leads outside the work tree {project}, so kundencheck does not read it: a repository "
            "could point it at any file on your machine. Replace the link with the file itself (`git rm` the link, copy the "
            "file in, commit it)."
        )
    ]


def test_phases_in_known_order_then_own(fake_shipped, project):
    for cid, phase in [("zeta", "zeta"), ("build", "build"), ("kickoff", "kickoff"), ("alpha", "alpha")]:
        put(project / PROJECT_CHECKLISTS, f"{cid}.en.toml", checklist_text(cid, phase=phase))
    assert load_catalog(project).phases() == ["kickoff", "build", "alpha", "zeta"]


def test_non_toml_files_are_ignored(fake_shipped, project):
    put(project / PROJECT_CHECKLISTS, "README.md", "# notes")
    put(project / PROJECT_CHECKLISTS, "build.en.toml.bak", "broken")
    catalog = load_catalog(project)
    assert catalog.errors == [] and catalog.checklists == {}


def test_committed_checklists_are_read_from_git_not_the_work_tree(fake_shipped, project):
    put(fake_shipped, "build.en.toml", checklist_text("build", title="Shipped"))
    put(project / PROJECT_CHECKLISTS, "build.en.toml", checklist_text("build", title="Work tree"))
    committed = {
        ".kundencheck/checklists/b.toml": checklist_text("build", title="Committed").encode(),
        ".kundencheck/checklists/a.toml": b"format = ",
        ".kundencheck/checklists/link.toml": None,
    }
    catalog = load_catalog(project, committed=committed)
    assert catalog.find("build", "en").title == "Committed"
    assert [(e.path, e.problems) for e in catalog.errors] == [
        (".kundencheck/checklists/a.toml", [catalog.errors[0].problems[0]]),
        (
            ".kundencheck/checklists/link.toml",
            [
                (
                    "is a symbolic link in git; kundencheck reads files themselves, never what a link leads to. Replace the "
                    "link with the file itself and commit that."
                )
            ],
        ),
    ]
    assert "TOML syntax error" in catalog.errors[0].problems[0]
    two = {
        "x/2.toml": checklist_text("build", title="Second").encode(),
        "x/1.toml": checklist_text("build", title="First").encode(),
    }
    assert load_catalog(project, committed=two).find("build", "en").title == "Second"  # in name order, the last wins


def test_finding_in_a_catalog_read_whole(fake_shipped, project):
    """The same answers once the catalog has read every file (as `kundencheck checklists` does)."""
    folder = project / PROJECT_CHECKLISTS
    put(folder, "custom.da.toml", checklist_text("custom", "da", title="Dansk"))
    put(folder, "custom.en.toml", checklist_text("custom", "en", title="English"))
    catalog = load_catalog(project)
    assert len(catalog.checklists) == 2
    assert catalog.find("custom", "de").title == "English"  # English before any other language
    assert catalog.find("custom", "da").title == "Dansk"
    put(folder, "aaa.en.toml", "format = = 1\n")
    named = put(folder, "other.fr.toml", "format = 2\n")
    whole = load_catalog(project)
    assert len(whole.checklists) == 2 and len(whole.errors) == 2
    with pytest.raises(ChecklistError) as info:
        whole.find("other", "de")  # neither other.de nor other.en: the broken file named for it
    assert info.value.path == str(named)


def test_a_checklist_named_by_its_file_is_found_without_reading_every_file(fake_shipped, project):
    """A run's start asks for one checklist; it is found by its file name alone (the catalog
    reads the others only when that does not settle it) and parsed once."""
    put(fake_shipped, "build.en.toml", checklist_text("build", title="Shipped"))
    put(fake_shipped, "build.de.toml", checklist_text("build", "de", title="Ausgeliefert"))
    put(fake_shipped, "zzz.en.toml", "not = = toml")
    put(fake_shipped, "odd.en.toml", checklist_text("other", title="Named odd, is other"))
    catalog = load_catalog(project)
    first = catalog.find("build", "de")
    assert first.title == "Ausgeliefert" and catalog.find("build", "de") is first
    assert catalog.find("build", "fr").title == "Shipped"  # English next, by its name too
    assert catalog._all is None  # no file but the ones named was read
    with pytest.raises(ChecklistError):  # odd.en.toml holds another checklist: every file is read, the broken one said
        catalog.find("odd", "en")
    assert catalog._all is not None
