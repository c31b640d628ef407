"""The project configuration, .kundencheck/config.toml."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundencheck.core.config import (
    CONFIG_PATH,
    DEFAULT_CADENCE_DAYS,
    Config,
    ConfigError,
    branch_problem,
    config_from_dict,
    load_config,
)
from kundencheck.core.errors import UsageError
from tests.support.golden import assert_golden


def write_config(root: Path, text: str | bytes) -> Path:
    path = root / CONFIG_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def config_error(root: Path, text: str | bytes) -> tuple[str, Path]:
    path = write_config(root, text)
    with pytest.raises(ConfigError) as info:
        load_config(root)
    message = str(info.value)
    assert message.startswith(str(path))
    return message, path


def test_no_config_file_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config == Config()
    assert config.cadence_days == DEFAULT_CADENCE_DAYS and config.language is None and config.commit_msg_hook


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_config_file_gives_defaults(tmp_path, text):
    path = write_config(tmp_path, text)
    config = load_config(tmp_path)
    assert config == Config(source=str(path))


def test_valid_config(tmp_path):
    path = write_config(
        tmp_path,
        """\
project = "Webshop relaunch"
client = "Müller & Söhne GmbH"
language = "de"
phase = "build"
cadence_days = 7

[checklists]
build = "build-agency"
acceptance = "uat"

[storage]
branch = "team/kundencheck"
commit_msg_hook = false
push = true
""",
    )
    config = load_config(tmp_path)
    assert config == Config(
        project="Webshop relaunch",
        client="Müller & Söhne GmbH",
        language="de",
        phase="build",
        cadence_days=7,
        checklists={"build": "build-agency", "acceptance": "uat"},
        branch="team/kundencheck",
        commit_msg_hook=False,
        push=True,
        source=str(path),
    )


def test_config_error_is_a_usage_error():
    assert issubclass(ConfigError, UsageError) and ConfigError.exit_code == 2


CONFIG_ERRORS = [
    (
        'projekt = "x"\n',
        [
            "'projekt'",
            "unknown key",
            "Allowed keys: agency, cadence_days, check, checklists, client, language, phase, project, storage",
        ],
    ),
    ('[storage]\nbranches = "x"\n', ["'storage.branches'", "unknown key", "Allowed keys: branch, commit_msg_hook, push"]),
    ('language = "fr"\n', ["'language'", "'fr'", 'Allowed: "de", "en"']),
    ('language = "DE"\n', ["'language'", 'Allowed: "de", "en"']),
    ("language = 1\n", ["'language'", 'Allowed: "de", "en"']),
    ("cadence_days = 0\n", ["'cadence_days'", "from 1 to 366"]),
    ("cadence_days = 367\n", ["'cadence_days'", "from 1 to 366"]),
    ('cadence_days = "14"\n', ["'cadence_days'", "from 1 to 366"]),
    ("cadence_days = 14.0\n", ["'cadence_days'", "from 1 to 366"]),
    ("cadence_days = true\n", ["'cadence_days'", "from 1 to 366"]),
    ('phase = "Build"\n', ["'phase'", "lowercase letters, digits, dashes"]),
    ('phase = "con"\n', ["'phase'"]),
    ("project = 1\n", ["'project'", "must be a string"]),
    ('checklists = "build"\n', ["'checklists'", 'phase = "checklist-id"']),
    ('[checklists]\nbuild = "../evil"\n', ["'checklists'", "safe ids"]),
    ("[checklists]\nbuild = 1\n", ["'checklists'", "safe ids"]),
    ('[checklists]\nbuild = "b"\nrun = "../evil"\n', ["line 3", "'checklists'", "safe ids"]),
    ('[checklists]\nbuild = "b"\n"Run" = "r"\n', ["line 3", "'checklists'", "safe ids"]),
    ("Xenon = 1\n", ["line 1", "'Xenon'", "unknown key"]),
    ('storage = "main"\n', ["'storage'", "[storage]"]),
    ('[storage]\nbranch = "-evil"\n', ["'storage.branch'", 'such as "kundencheck"']),
    ('[storage]\nbranch = "a..b"\n', ["'storage.branch'", 'such as "kundencheck"']),
    ('[storage]\nbranch = "has space"\n', ["'storage.branch'"]),
    ('[storage]\nbranch = "x~1"\n', ["'storage.branch'"]),
    ('[storage]\nbranch = "a:b"\n', ["'storage.branch'"]),
    ('[storage]\nbranch = ""\n', ["'storage.branch'"]),
    ("[storage]\nbranch = 1\n", ["'storage.branch'"]),
    ('[storage]\nbranch = "a b~"\n', ["'storage.branch'", "' ', '~'"]),
    ('[storage]\nbranch = "x@{1}"\n', ["'storage.branch'", "'@{'"]),
    ('[storage]\nbranch = "team."\n', ["'storage.branch'", "ends with a dot"]),
    ('[storage]\nbranch = "team//x"\n', ["'storage.branch'", "a part of it is empty"]),
    ('[storage]\nbranch = "team/.x"\n', ["'storage.branch'", "a part of it starts with a dot"]),
    ('[storage]\nbranch = "team/x.lock"\n', ["'storage.branch'", "a part of it ends with .lock"]),
    ('[storage]\nbranch = "HEAD"\n', ["'storage.branch'", "'HEAD' is what git calls the checked-out commit"]),
    ('[storage]\nbranch = "refs/heads/x"\n', ["'storage.branch'", "'refs/heads/x' is a full ref name"]),
    ('[storage]\npush = "yes"\n', ["'storage.push'", "true or false"]),
    ("[storage]\ncommit_msg_hook = 1\n", ["'storage.commit_msg_hook'", "true or false"]),
    ('check = "error"\n', ["'check'", "[check]", '"error", "warning" or "off"']),
    ('[check]\ndue = "fail"\n', ["line 2", "'check.due'", '"error", "warning" or "off"']),
    ("[check]\ndue = true\n", ["'check.due'", '"error", "warning" or "off"']),
    (
        '[check]\noverdue = "off"\n',
        [
            "line 2",
            "'check.overdue'",
            "unknown rule",
            (
                "Allowed keys: decline, disagreement, due, key_signal_low, overdue_action, perception_gap, red_streak, "
                "red_without_action"
            ),
        ],
    ),
    ('[check]\ndue = { level = "error" }\n', ["line 2", "'check.due'", "takes no parameters", 'due = "error"']),
    (
        '[check]\nred_streak = { level = "error", weeks = 3 }\n',
        [
            "line 2",
            "'check.red_streak'",
            "unknown parameter 'weeks'",
            "Allowed: level, sprints",
            'red_streak = { level = "error", sprints = 2 }',
        ],
    ),
    ("[check]\nred_streak = { sprints = 0 }\n", ["'check.red_streak'", "sprints must be a whole number from 1 to 52"]),
    ('[check]\ndecline = { items = "3" }\n', ["'check.decline'", "items must be a whole number from 1 to 100"]),
    (
        '[check]\ndecline = { level = "fail", items = 2 }\n',
        ["'check.decline'", '"error", "warning" or "off", or a table like { level = "error", items = 3 }'],
    ),
    ('[check.red_streak]\nlevel = "warning"\nsprint = 3\n', ["line 1", "'check.red_streak'", "unknown parameter 'sprint'"]),
]


@pytest.mark.parametrize("text, fragments", CONFIG_ERRORS)
def test_config_errors_name_key_and_allowed_values(tmp_path, text, fragments):
    message, _ = config_error(tmp_path, text)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_toml_error_has_line_and_column(tmp_path):
    message, _ = config_error(tmp_path, 'project = "x"\nlanguage = de\n')
    assert "line 2, column 12" in message and "TOML syntax error" in message


def test_invalid_utf8(tmp_path):
    message, _ = config_error(tmp_path, b'project = "\xff"\n')
    assert "line 1" in message and "UTF-8" in message


def test_config_directory_instead_of_file(tmp_path):
    (tmp_path / CONFIG_PATH).mkdir(parents=True)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert CONFIG_PATH in str(info.value) and "cannot be read" in str(info.value)


def test_config_from_dict_names_its_source():
    with pytest.raises(ConfigError) as info:
        config_from_dict({"x": 1}, "somewhere.toml")
    assert str(info.value).startswith("somewhere.toml, key 'x'")


def test_check_rules_default_to_error_and_can_be_changed(tmp_path):
    every = (
        "due",
        "key_signal_low",
        "red_streak",
        "decline",
        "red_without_action",
        "overdue_action",
        "disagreement",
        "perception_gap",
    )
    assert load_config(tmp_path).check == dict.fromkeys(every, "error")
    write_config(tmp_path, '[check]\ndisagreement = "warning"\nred_without_action = "off"\n')
    assert load_config(tmp_path).check == {
        **dict.fromkeys(every, "error"),
        "red_without_action": "off",
        "disagreement": "warning",
    }
    assert Config().check is not Config().check  # no shared default


def test_rule_parameters_have_defaults_and_take_a_level_or_a_table(tmp_path):
    assert load_config(tmp_path).check_parameters == {"red_streak": {"sprints": 2}, "decline": {"items": 3}}
    # A plain level keeps the default parameter: configs written before the parameters still load.
    write_config(tmp_path, '[check]\ndue = "warning"\nred_streak = "warning"\ndecline = { items = 5 }\n')
    config = load_config(tmp_path)
    assert config.check["red_streak"] == "warning" and config.check_parameters["red_streak"] == {"sprints": 2}
    assert config.check["decline"] == "error" and config.check_parameters["decline"] == {"items": 5}
    write_config(tmp_path, '[check.red_streak]\nlevel = "off"\nsprints = 4\n')
    config = load_config(tmp_path)
    assert config.check["red_streak"] == "off" and config.check_parameters["red_streak"] == {"sprints": 4}
    assert Config().check_parameters is not Config().check_parameters


# ----------------------------------------------------------------------------- branch names

#: Parts that branch names are made of: the characters and sequences git's rules are about.
_NAME_PARTS = [
    "a",
    "b",
    "Z",
    "9",
    "ä",
    "-",
    "_",
    ".",
    "..",
    "/",
    "//",
    "@",
    "@{",
    "{",
    "}",
    ".lock",
    "lock",
    " ",
    "~",
    "^",
    ":",
    "?",
    "*",
    "[",
    "]",
    "\\",
    "\x01",
    "\x7f",
    "\t",
    "HEAD",
    "refs/",
    "heads/",
    "origin/",
    "+",
    "#",
    "'",
]
branch_names = st.lists(st.sampled_from(_NAME_PARTS), min_size=1, max_size=6).map("".join) | st.text(
    alphabet=st.characters(blacklist_characters="\x00", max_codepoint=0x2FF), max_size=12
)


def git_accepts_branch(name: str, cwd: Path) -> bool:
    """git's own verdict: `git check-ref-format --branch NAME` (outside any repository, so
    nothing like @{-1} is looked up)."""
    return (
        subprocess.run(["git", "check-ref-format", "--branch", name], check=False, cwd=cwd, capture_output=True).returncode == 0
    )


@settings(max_examples=400, deadline=None)
@given(name=branch_names)
def test_branch_names_follow_gits_own_rules(tmp_path_factory, name):
    outside = tmp_path_factory.getbasetemp()
    problem = branch_problem(name)
    if git_accepts_branch(name, outside):
        # git takes it; kundencheck refuses only what git would read as something else.
        assert (problem is None) or name in ("@",) or name.startswith("refs/"), (name, problem)
    else:
        assert problem is not None, name


@pytest.mark.parametrize(
    "name",
    [
        "HEAD",
        "@",
        "refs/heads/kundencheck",
        "refs/x",
        "-x",
        "a..b",
        "x.lock",
        "a/.b",
        "a//b",
        "a/",
        "x.",
        "a@{1}",
        "a b",
        "a\\b",
        "a:b",
        "a?b",
        "a*b",
        "a[b",
        "a~1",
        "a^",
        "\x7f",
    ],
)
def test_names_that_are_no_branch_are_refused_in_the_config(tmp_path, name):
    message, _path = config_error(tmp_path, f"[storage]\nbranch = {__import__('json').dumps(name)}\n")
    assert "line 2, key 'storage.branch'" in message and "kundencheck" in message


def test_a_branch_that_shadows_a_remote_is_refused():
    assert branch_problem("origin/kundencheck", {"origin"}) is not None
    assert branch_problem("origin", {"origin"}) is not None
    assert branch_problem("origin/kundencheck", {"upstream"}) is None
    assert branch_problem("originals/x", {"origin"}) is None
    assert branch_problem("team/kundencheck", {"origin"}) is None


def test_check_branch_names_file_line_and_key():
    from kundencheck.core.config import check_branch, config_from_bytes

    raw = b'# the team\'s config\n[storage]\nbranch = "origin/kundencheck"\n'
    config = config_from_bytes(raw, "HEAD:.kundencheck/config.toml")
    check_branch(config, ["upstream"])
    with pytest.raises(ConfigError) as info:
        check_branch(config, ["upstream", "origin"])
    assert str(info.value) == (
        "HEAD:.kundencheck/config.toml, line 3, key 'storage.branch': 'origin/kundencheck' would shadow the branches "
        "of the remote 'origin' (git would read 'origin/kundencheck' as one of them). Use a name that does not start "
        'with a remote\'s name, such as "kundencheck".'
    )
    assert info.value.key == "storage.branch"
    assert info.value.problem == (  # the problem alone, for a flag that set the key (init --branch)
        "'origin/kundencheck' would shadow the branches of the remote 'origin' (git would read 'origin/kundencheck' "
        'as one of them). Use a name that does not start with a remote\'s name, such as "kundencheck".'
    )
    check_branch(config_from_bytes(b"cadence_days = 7\n", "c.toml"), ["origin"])  # no branch: nothing to shadow
    untexted = config_from_dict({"storage": {"branch": "origin"}}, "c.toml")
    with pytest.raises(ConfigError) as info:
        check_branch(untexted, ["origin"])
    assert str(info.value).startswith("c.toml, key 'storage.branch': 'origin' would shadow")


def test_config_from_bytes_as_git_has_them():
    from kundencheck.core.config import config_from_bytes

    config = config_from_bytes('\ufeffcadence_days = 7\n[storage]\nbranch = "team"\n'.encode(), "HEAD:c.toml")
    assert config.cadence_days == 7 and config.branch == "team" and config.source == "HEAD:c.toml"
    assert not config.text.startswith("\ufeff") and config.text.startswith("cadence_days")
    with pytest.raises(ConfigError) as info:
        config_from_bytes(b"cadence_days = 0\n\xff", "HEAD:c.toml")
    assert str(info.value).startswith("HEAD:c.toml")
    with pytest.raises(ConfigError) as info:
        config_from_bytes(b"\n\ncadence_days = 0\n", "HEAD:c.toml")
    assert "HEAD:c.toml, line 3, key 'cadence_days'" in str(info.value)


@pytest.mark.parametrize(
    "text, key, line, problem",
    [
        ("tone = 1\n", "tone", 1, "must be a table ([tone]) with enabled, words and ignore."),
        ("[tone]\nwords = []\nloud = true\n", "tone.loud", 3, "unknown key. Allowed keys: enabled, ignore, words."),
        ("[tone]\nenabled = 1\n", "tone.enabled", 2, "must be true or false."),
        (
            '[tone]\nwords = "stubborn"\n',
            "tone.words",
            2,
            'must be a list of words or phrases, e.g. ["stubborn", "they never listen"].',
        ),
        ("[tone]\nignore = [" + ", ".join(['"w"'] * 501) + "]\n", "tone.ignore", 2, "has 501 entries; at most 500 are allowed."),
        ('[tone]\nwords = ["ok", " * "]\n', "tone.words", 2, "entry 2 must be a word or phrase in quotes (found ' * ')."),
        ("[tone]\nwords = [3]\n", "tone.words", 2, "entry 1 must be a word or phrase in quotes (found 3)."),
        ('[tone]\nignore = ["** *"]\n', "tone.ignore", 2, "entry 1 must be a word or phrase in quotes (found '** *')."),
        ('[tone]\nwords = ["' + "x" * 81 + '"]\n', "tone.words", 2, "entry 1 must be one line of at most 80 characters."),
        ('[tone]\nwords = ["two\\nlines"]\n', "tone.words", 2, "entry 1 must be one line of at most 80 characters."),
    ],
)
def test_tone_settings_are_checked(tmp_path, text, key, line, problem):
    message, path = config_error(tmp_path, text)
    assert message == f"{path}, line {line}, key {key!r}: {problem}"


def test_tone_settings_at_their_limits(tmp_path):
    write_config(
        tmp_path,
        '[tone]\nenabled = false\nwords = [" *stubborn ", "' + "x" * 80 + '"]\nignore = [' + ", ".join(['"w"'] * 500) + "]\n",
    )
    tone = load_config(tmp_path).tone
    assert tone.enabled is False and tone.words == ("*stubborn", "x" * 80) and len(tone.ignore) == 500
    write_config(tmp_path, '[tone]\nwords = ["stubborn*"]\n')
    assert load_config(tmp_path).tone.words == ("stubborn*",) and load_config(tmp_path).tone.enabled is True


def test_config_errors_in_whole(tmp_path):
    """Every refusal above, word for word (tests/core/golden/config-errors.en.txt; see
    tests/core/test_report_golden.py for writing it anew)."""

    said = []
    for text, _fragments in CONFIG_ERRORS:
        message, path = config_error(tmp_path, text)
        said.append(f"{text!r}\n  {message.replace(str(path), 'CONFIG')}\n")
    assert_golden("config-errors.en.txt", "".join(said))


def test_config_values_at_their_limits(tmp_path):
    for text in (
        "cadence_days = 1\n",
        "cadence_days = 366\n",
        "[check]\nred_streak = { sprints = 1 }\n",
        "[check]\nred_streak = { sprints = 52 }\n",
        "[check]\ndecline = { items = 100 }\n",
        "[check]\ndecline = { items = 1 }\n",
    ):
        write_config(tmp_path, text)
        load_config(tmp_path)
    write_config(tmp_path, "[check]\ndecline = { items = 101 }\n")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_a_config_linked_out_of_the_work_tree_is_not_read(tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text('project = "secret"\n', encoding="utf-8")
    root = tmp_path / "repo"
    path = root / CONFIG_PATH
    path.parent.mkdir(parents=True)
    path.symlink_to(outside)
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert str(info.value).startswith(f"{path}: is a symbolic link that leads outside the work tree {root}")
    path.unlink()
    path.write_text("#" * 1_000_001, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert str(info.value) == (
        f"{path}: is 1,000,001 bytes; the project config may be at most 1,000,000 bytes. "
        "It holds a few settings; check that this is the right file."
    )


@pytest.mark.parametrize(
    "text, key",
    [
        ("cadence_days = 0\n", "cadence_days"),
        ('[storage]\nbranch = ""\n', "storage.branch"),
        ('[check]\ndue = "fail"\n', "check.due"),
        ('[checklists]\nbuild = "X"\n', "checklists"),
        ('[checklists]\nBuild = "x"\n', "checklists"),
        ("[tone]\nwords = [1]\n", "tone.words"),
    ],
)
def test_a_config_error_names_its_key_as_a_field(tmp_path, text, key):
    write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.key == key
    # What is wrong, without the file, line and key: the end of the message, and no more of it.
    assert info.value.problem and str(info.value).endswith(f" key {key!r}: {info.value.problem}")


@pytest.mark.parametrize(
    "text, key, line",
    [
        ('[storage]\nbranch = "x"\n', "storage.branch", 2),
        ('push = 1\nstorage.branch = "x"\n', "storage.branch", 2),  # a dotted key
        ('[ "storage" ]\n"branch" = 1\n', "storage.branch", 2),  # quoted names
        ("[storage]\npush = true\n[check]\n'red_streak' = 'off'\n", "check.red_streak", 4),
        ('check = { decline = "off" }\n', "check.decline", 1),  # inside an inline table: the table's line
        ("[check]\ndecline = { items = 9 }\n", "check.decline.items", 2),
        ("[check.decline]\nitems = 9\n", "check.decline.items", 2),
        ('["Xa"]\nb = 1\n', "Xa.b", 2),
        ("name = 1\n", "name", 1),
        ("x = 1\n", "storage.branch", None),
        ("# [storage]\nbranch = 1\n", "storage.branch", None),  # a comment is no table
        ("", "name", None),
    ],
)
def test_key_line_finds_where_a_key_is_set(text, key, line):
    from kundencheck.core.config import key_line

    assert key_line(text, key) == line


def test_the_names_the_language_and_the_checklists_read_back():
    config = config_from_dict(
        {"project": "Shop", "client": "Kunde", "agency": "Pixel", "language": "en", "checklists": {"build": "our-build"}},
        "c.toml",
    )
    assert (config.project, config.client, config.agency, config.language) == ("Shop", "Kunde", "Pixel", "en")
    assert config.checklists == {"build": "our-build"} and config.text == "" and config.source == "c.toml"
    for bad in ({"Build": "x"}, {"build": "Our Build"}):
        with pytest.raises(ConfigError, match="must be a table of phase"):
            config_from_dict({"checklists": bad}, "c.toml")
    with pytest.raises(ConfigError, match=r"key 'check\.due': takes no parameters"):
        config_from_dict({"check": {"due": {"level": "error"}}}, "c.toml")
    with pytest.raises(ConfigError, match=r"key 'check\.due': must be \"error\", \"warning\" or \"off\"\.$"):
        config_from_dict({"check": {"due": "loud"}}, "c.toml")
