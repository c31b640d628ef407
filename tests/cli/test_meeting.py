"""`kundencheck meeting --from`: a sprint meeting of votes collected in files, committed as the TUI's
meeting would commit it, and every file problem said in one paragraph with nothing committed; and
what `answer` says about anonymous items."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.support.git import git
from tests.support.meeting import meeting_repo

ANA = "Ana Schäfer <ana@example.com>"
BEN = "Ben Okafor <ben@example.com>"
CEM = "Cem Yılmaz <cem@example.com>"


def kundencheck(repo: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kundencheck", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        input=input,
        check=False,
        timeout=120,
    )


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def sheet(folder: Path, name: str, author: str | None, **answers) -> Path:
    lines = [f'author = "{author}"'] if author else []
    for item, value in answers.items():
        item = item.replace("_", "-")
        key = "status" if item == "client-contacted" else "value"
        if isinstance(value, tuple):
            value, note = value
            lines += [
                "[[answers]]",
                f'item = "{item}"',
                f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}",
                f'note = "{note}"',
            ]
        else:
            lines += ["[[answers]]", f'item = "{item}"', f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}"]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_note_on_an_anonymous_item_is_left_out_and_said(repo, tmp_path):
    meeting_repo(repo)
    files = [
        sheet(tmp_path, "ana", ANA, client_contacted="green", team_mood=(4, "I am fine"), mood_animal="bison"),
        sheet(tmp_path, "ben", BEN, client_contacted="green", team_mood=5, mood_animal="dingo"),
        sheet(tmp_path, "cem", CEM, client_contacted="amber", team_mood=3, mood_animal="bison"),
    ]
    result = kundencheck(repo, "meeting", *(arg for f in files for arg in ("--from", str(f))))
    assert result.returncode == 0, result.stderr
    assert "team-mood: anonymous, so the notes and actions in the files are left out (1 of them)" in result.stderr
    assert "ana.toml" not in result.stderr  # whose note it was is not said either
    path = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    assert "I am fine" not in (repo / path).read_text(encoding="utf-8")
    assert "I am fine" not in git(repo, "log", "-1", "--format=%B")


def test_the_agreed_answer_and_the_people_present(repo, tmp_path):
    meeting_repo(repo)
    files = [
        sheet(tmp_path, "ana", ANA, client_contacted=("green", "Called twice"), team_mood=4, mood_animal="bison"),
        sheet(tmp_path, "ben", BEN, client_contacted="green", team_mood=5, mood_animal="dingo"),
        sheet(tmp_path, "cem", CEM, client_contacted="amber", team_mood=3, mood_animal="bison"),
    ]
    result = kundencheck(repo, "meeting", *(arg for f in files for arg in ("--from", str(f))), "--sprint", "S7")
    assert result.returncode == 0, result.stderr
    path = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    data = tomllib.loads((repo / path).read_text(encoding="utf-8"))
    assert data["schema"] == 2 and data["meeting"] is True and data["sprint"] == "S7"
    assert data["author"] == "Erika Mustermann <erika@example.com>"  # who ran it: the facilitator
    assert data["participants"] == ["Erika Mustermann <erika@example.com>", ANA, BEN, CEM]
    agreed = {a["item"]: a.get("status", a.get("value")) for a in data["answers"]}
    assert agreed == {"client-contacted": "green", "team-mood": 4, "mood-animal": "bison"}
    contacted = next(a for a in data["answers"] if a["item"] == "client-contacted")
    assert contacted["note"] == "Ana Schäfer: Called twice"
    votes = {v["item"]: v for v in data["votes"]}
    assert [v["person"] for v in votes["client-contacted"]["named"]] == [ANA, BEN, CEM]
    assert votes["team-mood"]["anonymous"] == [{"value": 3, "count": 1}, {"value": 4, "count": 1}, {"value": 5, "count": 1}]
    assert "named" not in votes["mood-animal"]
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Co-authored-by: {ANA}" in message and f"Co-authored-by: {CEM}" in message


def test_a_file_without_author_or_twice_the_same_person_is_refused(repo, tmp_path):
    meeting_repo(repo)
    before = commits(repo)
    nameless = sheet(tmp_path, "nameless", None, client_contacted="green")
    result = kundencheck(repo, "meeting", "--from", str(nameless))
    assert result.returncode == 1 and "nameless.toml: a file for the meeting names whose answers it holds" in result.stderr
    twice = [sheet(tmp_path, "a1", ANA, client_contacted="green"), sheet(tmp_path, "a2", ANA, client_contacted="red")]
    result = kundencheck(repo, "meeting", "--from", str(twice[0]), "--from", str(twice[1]))
    assert result.returncode == 2 and "a1.toml and" in result.stderr and "one file per person" in result.stderr
    wrong = sheet(tmp_path, "wrong", "Ana", client_contacted="green")
    result = kundencheck(repo, "meeting", "--from", str(wrong))
    assert result.returncode == 1 and "wrong.toml: key 'author'" in result.stderr and "is not a person" in result.stderr
    broken = sheet(tmp_path, "broken", ANA, client_contacted="purple")
    result = kundencheck(repo, "meeting", "--from", str(broken))
    assert result.returncode == 1 and "broken.toml: 1 problem, nothing was committed" in result.stderr
    assert "status 'purple' is not one of" in result.stderr
    assert commits(repo) == before
    assert "Traceback" not in result.stderr


def test_what_the_agreed_answers_still_need_is_listed_and_nothing_committed(repo, tmp_path):
    meeting_repo(repo)
    before = commits(repo)
    files = [
        sheet(tmp_path, p.split()[0].lower(), p, client_contacted="red", team_mood=2, mood_animal="bison")
        for p in (ANA, BEN, CEM)
    ]
    result = kundencheck(repo, "meeting", *(arg for f in files for arg in ("--from", str(f))))
    assert result.returncode == 1 and "the meeting's agreed answers: 3 problems, nothing was committed" in result.stderr
    assert "item 'client-contacted': the answer 'no' needs a note saying why." in result.stderr
    assert "item 'team-mood': the answer '2' needs an action with what, owner and due date." in result.stderr
    assert commits(repo) == before


def test_usage_errors(repo, tmp_path):
    meeting_repo(repo)
    result = kundencheck(repo, "meeting", "--agreed", str(tmp_path / "agreed.toml"))
    assert result.returncode == 2 and "--agreed goes with --from" in result.stderr
    result = kundencheck(repo, "meeting", "--from", "-", "--agreed", "-", input="")
    assert result.returncode == 2 and "Only one file can be read from stdin" in result.stderr
    result = kundencheck(repo, "meeting", "--from", str(tmp_path / "missing.toml"))
    assert result.returncode == 1 and "missing.toml: cannot be read" in result.stderr


def test_the_template_has_the_author_line_and_says_what_an_anonymous_answer_carries(repo):
    meeting_repo(repo)
    result = kundencheck(repo, "answer", "build", "--template")
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(result.stdout)
    assert data["author"] == "Erika Mustermann <erika@example.com>"
    mood = result.stdout.split('item = "team-mood"')[0].rsplit("[[answers]]", 1)[1]
    assert "Anonymous in the sprint meeting" in mood and "this answer carries your name" in mood
    assert "leaves out a note or action written here" in mood
    contacted = result.stdout.split('item = "client-contacted"')[0].rsplit("[[answers]]", 1)[1]
    assert "Anonymous" not in contacted


def test_answer_from_says_that_an_anonymous_answer_carries_the_name(repo, tmp_path):
    meeting_repo(repo)
    filled = sheet(
        tmp_path, "mine", "Erika Mustermann <erika@example.com>", client_contacted="green", team_mood=4, mood_animal="bison"
    )
    result = kundencheck(repo, "answer", "build", "--from", str(filled))
    assert result.returncode == 0, result.stderr
    assert "team-mood, mood-animal: anonymous in the sprint meeting only" in result.stderr
    assert "kundencheck meeting" in result.stderr


def test_one_or_two_files_never_make_an_anonymous_vote_the_agreed_answer(repo, tmp_path):
    """With fewer than three votes an anonymous item keeps none, and none becomes the answer: the
    middle of one or two votes is one person's vote, and with the voters named as co-authors it
    would be tied to their name. The item waits for --agreed; nothing is committed until then."""
    meeting_repo(repo)
    before = commits(repo)
    ana = sheet(tmp_path, "ana", ANA, client_contacted="green", team_mood=3, mood_animal="bison")
    ben = sheet(tmp_path, "ben", BEN, client_contacted="green", team_mood=5, mood_animal="dingo")
    for files, only in (
        ([ana], "only 1 of the files answers it (fewer than 3): its vote is not kept"),
        ([ana, ben], "only 2 of the files answer it (fewer than 3): their votes are not kept"),
    ):
        result = kundencheck(repo, "meeting", *(arg for f in files for arg in ("--from", str(f))))
        assert result.returncode == 1, result.stderr
        assert f"item 'team-mood': anonymous, and {only}" in result.stderr
        assert "item 'mood-animal': anonymous" in result.stderr and "--agreed FILE" in result.stderr
        assert "nobody's vote is kept" not in result.stderr
        assert "bison" not in result.stdout + result.stderr and "'3'" not in result.stderr
        assert commits(repo) == before
    agreed = sheet(tmp_path, "agreed", None, team_mood=4, mood_animal="aardvark")
    result = kundencheck(repo, "meeting", "--from", str(ana), "--from", str(ben), "--agreed", str(agreed))
    assert result.returncode == 0, result.stderr
    assert "team-mood: anonymous, and fewer than 3 voted on it: no vote is kept" in result.stderr
    path = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    data = tomllib.loads((repo / path).read_text(encoding="utf-8"))
    agreed_answers = {a["item"]: a.get("status", a.get("value")) for a in data["answers"]}
    assert agreed_answers == {"client-contacted": "green", "team-mood": 4, "mood-animal": "aardvark"}
    assert [v["item"] for v in data["votes"]] == ["client-contacted"]


def test_a_meeting_of_the_facilitator_alone_is_refused(repo, tmp_path):
    meeting_repo(repo)
    before = commits(repo)
    mine = sheet(tmp_path, "mine", "Erika Mustermann <erika@example.com>", client_contacted="green", team_mood=4)
    result = kundencheck(repo, "meeting", "--from", str(mine))
    assert result.returncode == 1, result.stderr
    assert "mine.toml holds your own answers" in result.stderr and "at least one person besides you" in result.stderr
    assert "kundencheck answer build --from" in result.stderr
    assert commits(repo) == before


def test_the_sprint_the_files_agree_on_is_recorded_and_differing_ones_are_refused(repo, tmp_path):
    meeting_repo(repo)
    people = {"ana": ANA, "ben": BEN, "cem": CEM}

    def files(sprints: dict[str, str]) -> list[str]:
        made = []
        for name, person in people.items():
            path = sheet(tmp_path, name, person, client_contacted="green", team_mood=4, mood_animal="bison")
            if sprints.get(name):
                path.write_text(f'sprint = "{sprints[name]}"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
            made += ["--from", str(path)]
        return made

    before = commits(repo)
    result = kundencheck(repo, "meeting", *files({"ana": "Sprint-7", "ben": "Sprint-8", "cem": "Sprint-7"}))
    assert result.returncode == 1, result.stderr
    assert "The files name different sprints (" in result.stderr
    assert all(f"{name}.toml: 'Sprint-{n}'" in result.stderr for name, n in (("ana", 7), ("ben", 8), ("cem", 7)))
    assert "--sprint" in result.stderr and commits(repo) == before

    def sprint() -> str:
        path = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
        return tomllib.loads((repo / path).read_text(encoding="utf-8"))["sprint"]

    result = kundencheck(repo, "meeting", *files({"ana": "Sprint-8", "ben": "Sprint-8", "cem": ""}))
    assert result.returncode == 0, result.stderr
    assert sprint() == "Sprint-8"  # the files agree (one names none)
    result = kundencheck(repo, "meeting", *files({"ana": "Sprint-7", "ben": "Sprint-8"}), "--sprint", "S9")
    assert result.returncode == 0, result.stderr
    assert sprint() == "S9"  # --sprint wins over everything
    agreed = tmp_path / "agreed.toml"
    agreed.write_text('sprint = "S10"\n', encoding="utf-8")
    result = kundencheck(repo, "meeting", *files({"ana": "Sprint-7", "ben": "Sprint-8"}), "--agreed", str(agreed))
    assert result.returncode == 0, result.stderr
    assert sprint() == "S10"  # then the agreed file's


def test_files_of_different_phases_are_named_once(repo, tmp_path):
    meeting_repo(repo)
    ana = sheet(tmp_path, "ana", ANA, client_contacted="green")
    ana.write_text('phase = "build"\n' + ana.read_text(encoding="utf-8"), encoding="utf-8")
    ben = tmp_path / "ben.toml"
    ben.write_text(f'phase = "acceptance"\nauthor = "{BEN}"\n[[answers]]\nitem = "client-contacted"\nstatus = "green"\n')
    result = kundencheck(repo, "meeting", "--from", str(ana), "--from", str(ben))
    assert result.returncode == 1, result.stderr
    assert "The files are of different phases (" in result.stderr
    assert "ana.toml: 'build'" in result.stderr and "ben.toml: 'acceptance'" in result.stderr
    assert result.stderr.count("client-contacted") == 0


def test_a_meetings_run_corrected_from_its_template_keeps_its_meeting(repo, tmp_path):
    """`amend --template` of a meeting's run writes its meeting and votes; `amend --from` reads
    that file back and the correction keeps the meeting, its votes and everyone who was there,
    as the run screen's correction does."""
    meeting_repo(repo)
    files = [
        sheet(tmp_path, "ana", ANA, client_contacted="green", team_mood=4, mood_animal="bison"),
        sheet(tmp_path, "ben", BEN, client_contacted="green", team_mood=5, mood_animal="dingo"),
        sheet(tmp_path, "cem", CEM, client_contacted="amber", team_mood=3, mood_animal="bison"),
    ]
    result = kundencheck(repo, "meeting", *(arg for f in files for arg in ("--from", str(f))))
    assert result.returncode == 0, result.stderr
    first = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    original = tomllib.loads((repo / first).read_text(encoding="utf-8"))
    template = kundencheck(repo, "amend", "--template")
    assert template.returncode == 0, template.stderr
    assert "meeting = true" in template.stdout and "[[votes]]" in template.stdout
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(
        template.stdout.replace('correction_note = ""', 'correction_note = "The mood was 5, not 4"').replace(
            "value = 4", "value = 5", 1
        ),
        encoding="utf-8",
    )
    result = kundencheck(repo, "amend", "--from", str(fixed))
    assert result.returncode == 0, result.stderr
    path = git(repo, "show", "--name-only", "--format=", "HEAD").split()[0]
    corrected = tomllib.loads((repo / path).read_text(encoding="utf-8"))
    assert corrected["corrects"] == original["id"] and corrected["schema"] == 2 and corrected["meeting"] is True
    assert corrected["votes"] == original["votes"] and corrected["participants"] == original["participants"]
    assert next(a for a in corrected["answers"] if a["item"] == "team-mood")["value"] == 5
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Co-authored-by: {ANA}" in message and f"Co-authored-by: {CEM}" in message
    shown = kundencheck(repo, "log", "--item", "team-mood").stdout  # the correction beside the agreed answer
    assert "agreed in the sprint meeting: ✔ 5/5 (corrected on " in shown and ": The mood was 5, not 4)" in shown


def test_the_unknown_key_error_allows_the_author_the_template_writes(repo, tmp_path):
    meeting_repo(repo)
    odd = tmp_path / "odd.toml"
    odd.write_text(f'author = "{ANA}"\nauthr = "x"\n', encoding="utf-8")
    result = kundencheck(repo, "answer", "build", "--from", str(odd))
    assert result.returncode == 1 and "unknown key 'authr'" in result.stderr
    assert "Allowed: answers, author, checklist" in result.stderr


def test_a_meetings_draft_is_resumed_with_kundencheck_meeting(repo):
    """`drafts` and `drafts commit` point a meeting's draft to `kundencheck meeting` (`run` never
    offers it)."""
    from kundencheck.core.people import parse_person
    from kundencheck.session import MeetingSession, open_project

    meeting_repo(repo)
    project = open_project(repo)
    session = MeetingSession.start_meeting(project, "build", [parse_person(ANA), parse_person(BEN)], sprint="2026-W48")
    for _person in range(3):
        session.vote("client-contacted", "amber")
    session.release()
    project.close()
    listed = kundencheck(repo, "drafts")
    assert listed.returncode == 0, listed.stderr
    assert "(a sprint meeting's with `kundencheck meeting PHASE`)" in " ".join(listed.stdout.split())
    result = kundencheck(repo, "drafts", "commit", session.run.id)
    assert result.returncode == 1
    assert "Finish it in the meeting with `kundencheck meeting build`" in " ".join(result.stderr.split())
    assert "kundencheck run" not in result.stderr
