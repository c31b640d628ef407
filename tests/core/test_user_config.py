"""core/user_config.py: a person's own settings, checked like the project config (file, line,
key and what is allowed in every error), the push rule and the language's origin."""

from __future__ import annotations

import os
import re
import tomllib

import pytest

from kundencheck.core.i18n import language_from_environment
from kundencheck.core.ui_names import BINDING_IDS, THEMES
from kundencheck.core.user_config import (
    PUSH_ACCEPTED,
    PUSH_DECLINED,
    PUSH_FLAG,
    PUSH_NOT_SUGGESTED,
    PUSH_UNANSWERED,
    PushDecision,
    UserConfig,
    UserConfigError,
    check_against,
    decide_push,
    effective_language,
    load_user_config,
    user_config_from_dict,
    user_config_path,
    with_push_choice,
)
from tests.support.paths import ROOT

GOOD = """\
language = "de"
theme = "textual-light"

[keys]
next-item = " ctrl+n , down "
quit = "q"

[push]
"/home/erika/work/shop" = true
"/home/erika/work/other" = false
"""


def test_a_whole_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_user_config(path)
    assert config == UserConfig(
        language="de",
        theme="textual-light",
        keys={"next-item": "ctrl+n,down", "quit": "q"},
        push={"/home/erika/work/shop": True, "/home/erika/work/other": False},
        source=config.source,
    )
    assert config.source == str(path) and config.text == GOOD
    assert user_config_from_dict({}).text == ""
    (tmp_path / "big.toml").write_text("#" * 1_000_001, encoding="utf-8")
    with pytest.raises(UserConfigError) as info:
        load_user_config(tmp_path / "big.toml")
    assert str(info.value).startswith(f"{tmp_path / 'big.toml'}: is 1,000,001 bytes; the user config may be at most ")
    (tmp_path / "bad.toml").write_text('\ncolor = "red"\n', encoding="utf-8")
    with pytest.raises(UserConfigError) as info:
        load_user_config(tmp_path / "bad.toml")
    assert str(info.value).startswith(f"{tmp_path / 'bad.toml'}, line 2, key 'color': unknown key.")


def test_no_file_means_the_defaults(tmp_path):
    assert load_user_config(tmp_path / "missing.toml") == UserConfig()
    dangling = tmp_path / "link.toml"
    dangling.symlink_to(tmp_path / "nowhere.toml")
    with pytest.raises(UserConfigError):
        load_user_config(dangling)


def test_the_default_path_is_in_the_platforms_config_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert user_config_path() == tmp_path / "kundencheck" / "config.toml"
    monkeypatch.setattr("kundencheck.core.user_config.user_config_path", lambda: tmp_path / "none.toml")
    assert load_user_config() == UserConfig()


def error(text: str) -> UserConfigError:
    import tomllib

    with pytest.raises(UserConfigError) as info:
        user_config_from_dict(tomllib.loads(text), "~/.config/kundencheck/config.toml", text=text)
    return info.value


THEME = 'must be a Textual theme name such as "textual-dark" or "ansi-light".'
KEY = 'must be a key such as "ctrl+n" or "j", or several separated by commas ("j,down").'


@pytest.mark.parametrize(
    "text, key, line, allowed",
    [
        ('color = "red"\n', "color", 1, "unknown key. Allowed keys: keys, language, push, theme."),
        ('\nlanguage = "fr"\n', "language", 2, '\'fr\' is not supported. Allowed: "de", "en".'),
        ("language = 1\n", "language", 1, '1 is not supported. Allowed: "de", "en".'),
        ('theme = "Dark Mode"\n', "theme", 1, THEME),
        ("theme = 3\n", "theme", 1, THEME),
        ('theme = "' + "a" * 65 + '"\n', "theme", 1, THEME),
        ('keys = "j"\n', "keys", 1, 'must be a table ([keys]) of binding-id = "key" pairs.'),
        ('[keys]\nquit = "ctrl+q"\n"Next Item" = "n"\n', "keys.Next Item", 3, KEY),
        ("[keys]\nquit = 1\n", "keys.quit", 2, KEY),
        ('[keys]\nquit = ""\n', "keys.quit", 2, KEY),
        ('[keys]\nquit = "q,"\n', "keys.quit", 2, KEY),
        ('[keys]\nquit = "ctrl q"\n', "keys.quit", 2, KEY),
        ('[keys]\nquit = "' + "x" * 41 + '"\n', "keys.quit", 2, KEY),
        ("push = true\n", "push", 1, 'must be a table ([push]) of "repository folder" = true or false.'),
        ('[push]\n"/srv/shop" = "yes"\n', "push./srv/shop", 1, "must be true (push after each commit) or false (never)."),
    ],
)
def test_each_problem_names_file_line_key_and_what_is_allowed(text, key, line, allowed):
    problem = error(text)
    message = str(problem)
    where = f", line {line}," if line else ","
    assert message == f"~/.config/kundencheck/config.toml{where} key {key!r}: {allowed}"
    assert problem.key == key and problem.problem == allowed


def test_without_the_text_no_line_is_named():
    with pytest.raises(UserConfigError) as info:
        user_config_from_dict({"language": "fr"})
    assert str(info.value).startswith("config.toml, key 'language': ")


def test_names_at_their_limits():
    config = user_config_from_dict({"theme": "a" * 64, "keys": {"b" * 64: "x" * 40, "0.a_b-c": "?"}})
    assert config.theme == "a" * 64 and config.keys == {"b" * 64: "x" * 40, "0.a_b-c": "?"}
    assert user_config_from_dict({}) == UserConfig(source="config.toml")


def test_check_against_the_uis_lists():
    config = user_config_from_dict(
        {"theme": "nord", "keys": {"quit": "q", "next-item": "n"}},
        "u.toml",
        text='theme = "nord"\n[keys]\nquit = "q"\nnext-item = "n"\n',
    )
    check_against(config)  # nothing to check against
    check_against(config, themes=["nord", "dracula"], binding_ids=["quit", "next-item", "back"])
    with pytest.raises(UserConfigError) as info:
        check_against(config, themes=["textual-dark", "dracula"])
    assert str(info.value) == "u.toml, line 1, key 'theme': 'nord' is not a theme. Allowed: dracula, textual-dark."
    with pytest.raises(UserConfigError) as info:
        check_against(config, themes=["nord"], binding_ids=["quit", "back"])
    assert str(info.value) == "u.toml, line 4, key 'keys.next-item': 'next-item' is not a binding id. Allowed: back, quit."
    assert info.value.key == "keys.next-item"
    untexted = UserConfig(theme="nord", source="u.toml")
    with pytest.raises(UserConfigError) as info:
        check_against(untexted, themes=["dracula"])
    assert str(info.value).startswith("u.toml, key 'theme': ")
    check_against(UserConfig(), themes=["dracula"], binding_ids=["quit"])


def test_the_readme_names_only_themes_and_binding_ids_a_user_config_may_give():
    """What people copy from the README into their user config: the binding ids of its table of
    keys, the themes its example names and the example itself are what the TUI offers
    (core/ui_names.py, which tests/tui/test_ui_names.py checks against the app)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = readme.split("\n## Keys\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in keys.splitlines() if line.startswith("| `")]
    ids = {name for row in rows for name in re.findall(r"`([^`]+)`", row[2])}
    assert len(ids) > 20 and ids - set(BINDING_IDS) == set()
    example = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    named = re.search(r"a Textual theme: ([a-z-]+(?:, [a-z-]+)*)", example).group(1).split(", ")
    assert len(named) > 2 and set(named) - set(THEMES) == set()
    config = user_config_from_dict(tomllib.loads(example), "README.md", text=example)
    assert config.theme and config.keys
    check_against(config, themes=THEMES, binding_ids=BINDING_IDS)


@pytest.mark.parametrize(
    "flag, suggests, accepted, decision",
    [
        (True, False, None, PushDecision(True, PUSH_FLAG)),
        (False, True, True, PushDecision(False, PUSH_FLAG)),
        (None, False, True, PushDecision(False, PUSH_NOT_SUGGESTED)),
        (None, True, None, PushDecision(False, PUSH_UNANSWERED)),
        (None, True, True, PushDecision(True, PUSH_ACCEPTED)),
        (None, True, False, PushDecision(False, PUSH_DECLINED)),
    ],
)
def test_decide_push(flag, suggests, accepted, decision):
    assert decide_push(flag, suggests, accepted) == decision
    assert decide_push(flag, suggests, accepted).suggested is decision.suggested


def test_with_push_choice_keeps_everything_else():
    text = '# mine\nlanguage = "de"  # German\n'
    changed = with_push_choice(text, "/srv/shop", True)
    assert changed == '# mine\nlanguage = "de"  # German\n\n[push]\n"/srv/shop" = true\n'
    again = with_push_choice(changed, "/srv/web", False)
    assert again == '# mine\nlanguage = "de"  # German\n\n[push]\n"/srv/shop" = true\n"/srv/web" = false\n'
    assert with_push_choice(again, "/srv/shop", False).count("/srv/shop") == 1
    assert '"/srv/shop" = false' in with_push_choice(again, "/srv/shop", False)
    assert with_push_choice("push = 1\n", "/a", True) == '\n[push]\n"/a" = true\n'


def test_effective_language_and_where_it_comes_from(monkeypatch):
    user = UserConfig(language="de")
    assert effective_language("en", user, {"LANG": "de_DE.UTF-8"}) == ("en", "project config")
    assert effective_language(None, user, {}) == ("de", "user config")
    assert effective_language("", UserConfig(), {"LANG": "de_DE.UTF-8"}) == ("de", "environment")
    assert effective_language(None, None, {"LANG": "fr_FR.UTF-8"}) == ("en", "default")
    monkeypatch.setattr(os, "environ", {"LC_ALL": "de_AT.UTF-8"})
    assert effective_language(None, None) == ("de", "environment")


@pytest.mark.parametrize(
    "environ, language",
    [
        ({}, None),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "DE"}, "de"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANGUAGE": "fr:de:en"}, "de"),
        ({"LANGUAGE": "fr", "LC_ALL": "en_US"}, "en"),
        ({"LC_ALL": "fr_FR", "LC_MESSAGES": "de_CH.utf8", "LANG": "en_US"}, "de"),
        ({"LANGUAGE": "en", "LC_ALL": "de_DE"}, "en"),
        ({"LC_MESSAGES": "fr", "LANG": "de.UTF-8"}, "de"),
    ],
)
def test_language_from_environment(environ, language, monkeypatch):
    assert language_from_environment(environ) == language
    monkeypatch.setattr(os, "environ", environ)
    assert language_from_environment() == language
