"""Anonymous votes stay anonymous: after a sprint meeting of four through the pilot, and the same
votes from files through `kundencheck meeting --from`, no person's name is written anywhere near
their anonymous vote: not in any object of the repository (`git cat-file --batch-all-objects`),
not in any file of the git directory (drafts, the history cache, logs), not in the temporary
folder, not in the user's cache, config or data folders (docs/anonymity.md).

Each person votes a value on the anonymous choice item nobody else votes and no other text holds
(tests/data/meeting.en.toml), so wherever their name appears within a few dozen bytes of it, the
vote was written with the name. The scan has a test of its own that shows it finds a vote stored
with its name (:func:`test_the_scan_finds_a_vote_stored_with_its_name`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kundencheck.core import answers_file
from kundencheck.core.errors import AnswersError
from kundencheck.core.people import parse_person
from kundencheck.session import open_project
from tests.support.git import git
from tests.support.meeting import FOUR, VOTES, WINDOW, app_for, leaks, meeting_repo, run_meeting


def repository_objects(repo: Path) -> list[tuple[str, bytes]]:
    """Every object in the repository, loose or packed, reachable or not, each on its own."""
    out = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repo, capture_output=True, check=True).stdout
    objects, at = [], 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        sha, kind, size = out[at:header_end].split()
        body = out[header_end + 1 : header_end + 1 + int(size)]
        objects.append((f"object {sha.decode()} ({kind.decode()})", body))
        at = header_end + 1 + int(size) + 1
    return objects


def files_under(folder: Path) -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append((str(path), path.read_bytes()))
    return found


@pytest.fixture
def private_places(tmp_path, monkeypatch) -> dict[str, Path]:
    """The temporary folder and the user's folders, each made empty in ``tmp_path``: whatever
    kundencheck writes there during the test is scanned afterwards."""
    places = {name: tmp_path / name for name in ("tmp", "cache", "config", "data", "state")}
    for path in places.values():
        path.mkdir()
    monkeypatch.setenv("TMPDIR", str(places["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(places["tmp"]))  # tempfile keeps what it found first
    for name in ("cache", "config", "data", "state"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(places[name]))
    places["home"] = Path(os.environ["HOME"])
    return places


def scanned(repo: Path, places: dict[str, Path]) -> list[tuple[str, bytes]]:
    return [
        *repository_objects(repo),
        *files_under(repo / ".git"),
        *(found for path in places.values() for found in files_under(path)),
    ]


def assert_nothing_ties_a_name_to_an_anonymous_vote(repo: Path, places: dict[str, Path]) -> None:
    everything = scanned(repo, places)
    assert len(everything) > 20  # objects, the git directory's files: the scan saw something
    assert leaks(everything) == []
    # Read as answers files, the commit and any draft hold the anonymous items' counts only.
    for where, data in everything:
        if b"[[votes]]" not in data:
            continue
        try:
            run = answers_file.loads(data, where)
        except AnswersError:
            continue
        for item in ("team-mood", "mood-animal"):
            votes = run.votes_on(item)
            assert votes is None or (votes.anonymous and not votes.named), (where, votes)
    # The history cache's runs, decoded: the same.
    from kundencheck.store.history_cache import read_cache

    caches = list((repo / ".git" / "kundencheck" / "cache").glob("runs-v*.json"))
    assert caches, "the history cache was written (status, the commit's subject)"
    for cache in caches:
        for run in read_cache(cache).values():
            for votes in run.votes:
                assert votes.item not in ("team-mood", "mood-animal") or not votes.named


async def test_a_meeting_of_four_writes_no_name_near_an_anonymous_vote(repo, private_places):
    meeting_repo(repo)
    project = open_project(repo)
    app = app_for(project)
    async with app.run_test(size=(100, 34)) as pilot:
        await run_meeting(app, pilot)
    project.close()
    assert app.return_value is not None
    # What the team looks at afterwards reads the history (and writes its cache).
    for command in (["status"], ["log"], ["report", "--format", "md"], ["report", "--format", "csv"]):
        result = subprocess.run(
            [sys.executable, "-m", "kundencheck", *command], cwd=repo, capture_output=True, check=False, timeout=120
        )
        assert result.returncode in (0, 1), result.stderr
        assert leaks([(" ".join(command), result.stdout + result.stderr)]) == []
    assert_nothing_ties_a_name_to_an_anonymous_vote(repo, private_places)


def people_files(folder: Path, people: list[str]) -> list[str]:
    """Each person's own file of their votes (:data:`VOTES`), as --from options."""
    files = []
    for person in people:
        lines = [f'author = "{person}"']
        for item, votes in VOTES.items():
            value = votes[person]
            key = "status" if item == "client-contacted" else "value"
            lines += ["[[answers]]", f'item = "{item}"', f"{key} = {value!r}".replace("'", '"'), 'note = "We argued about it"']
        sheet = folder / f"{parse_person(person).email.split('@')[0]}.toml"
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files += ["--from", str(sheet)]
    return files


def meeting_from(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", "meeting", "build", *args], cwd=repo, capture_output=True, check=False, timeout=120
    )


def test_a_meeting_from_files_writes_no_name_near_an_anonymous_vote(repo, private_places, tmp_path):
    meeting_repo(repo)
    sheets = tmp_path / "sheets"  # the people's own files: outside everything scanned
    sheets.mkdir()
    files = people_files(sheets, FOUR)
    agreed = sheets / "agreed.toml"
    agreed.write_text(
        '[[answers]]\nitem = "client-contacted"\nnote = "Only mails"\n'
        'action = {what = "Call them", owner = "Ana", due = 2026-12-01}\n'
        '[[answers]]\nitem = "team-mood"\nnote = "Deadlines"\n'
        'action = {what = "Talk", owner = "Erika", due = 2026-12-02}\n',
        encoding="utf-8",
    )
    result = meeting_from(repo, *files, "--agreed", str(agreed))
    assert result.returncode == 0, result.stderr.decode()
    assert leaks([("the command's output", result.stdout + result.stderr)]) == []
    subprocess.run([sys.executable, "-m", "kundencheck", "status"], cwd=repo, capture_output=True, check=False, timeout=120)
    assert_nothing_ties_a_name_to_an_anonymous_vote(repo, private_places)


@pytest.mark.parametrize("voters", [1, 2])
def test_one_or_two_files_make_no_anonymous_answer_of_a_vote(repo, private_places, tmp_path, voters):
    """One or two files: an anonymous item keeps no count, and its votes make no answer (the
    middle of one or two votes is one person's, and the voters are the commit's co-authors).
    Without --agreed nothing is committed; with it the agreed answers are, and nothing anywhere
    ties a name to a vote."""
    meeting_repo(repo)
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    people = FOUR[1 : 1 + voters]  # Ana (and Ben), without the facilitator
    files = people_files(sheets, people)
    before = git(repo, "rev-parse", "HEAD")
    refused = meeting_from(repo, *files)
    assert refused.returncode == 1, refused.stderr.decode()
    assert b"item 'mood-animal': anonymous" in refused.stderr and b"--agreed FILE" in refused.stderr
    assert leaks([("the refusal", refused.stdout + refused.stderr)]) == []
    assert git(repo, "rev-parse", "HEAD") == before  # nothing committed
    agreed = sheets / "agreed.toml"
    agreed.write_text(
        '[[answers]]\nitem = "team-mood"\nvalue = 3\n[[answers]]\nitem = "mood-animal"\nvalue = "capybara"\n', encoding="utf-8"
    )
    result = meeting_from(repo, *files, "--agreed", str(agreed))
    assert result.returncode == 0, result.stderr.decode()
    assert leaks([("the command's output", result.stdout + result.stderr)]) == []
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    run = answers_file.loads((repo / committed).read_bytes())
    assert run.values()["team-mood"] == 3 and run.values()["mood-animal"] == "capybara"  # the agreed ones
    assert run.votes_on("team-mood") is None and run.votes_on("mood-animal") is None
    for command in (["status"], ["log"], ["report", "--format", "md"]):
        shown = subprocess.run(
            [sys.executable, "-m", "kundencheck", *command], cwd=repo, capture_output=True, check=False, timeout=120
        )
        assert leaks([(" ".join(command), shown.stdout + shown.stderr)]) == []
    assert_nothing_ties_a_name_to_an_anonymous_vote(repo, private_places)


def test_the_scan_finds_a_vote_stored_with_its_name(repo, private_places):
    """The scan can fail: a vote written with its name, in a blob, a file of the git directory or
    the temporary folder, is found; the names and values far apart are not."""
    meeting_repo(repo)
    assert leaks(scanned(repo, private_places)) == []
    ana = FOUR[1]
    stored = f'named = [\n    {{person = "{ana}", value = "{VOTES["mood-animal"][ana]}"}},\n]\n'
    blob = (
        subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=stored.encode(), capture_output=True, check=True)
        .stdout.decode()
        .strip()
    )
    found = leaks(scanned(repo, private_places))
    assert any(blob in where and "Ana Schäfer near bison" in where for where in found), found
    (private_places["tmp"] / "log.txt").write_text("Ben Okafor voted Aardvark Quietly\n", encoding="utf-8")
    assert any("log.txt: Ben Okafor near Aardvark Quietly" in where for where in leaks(scanned(repo, private_places)))
    far = b"Cem Y\xc4\xb1lmaz <cem@example.com>" + b" " * (WINDOW + 20) + b"capybara"
    assert leaks([("far apart", far)]) == []
    git(repo, "status")  # the repository is still fine
