"""The run session on real repositories: language and phase choice, drafts, hidden answers."""

from __future__ import annotations

import pytest

from kundencheck.core import answers as answers_mod
from kundencheck.core import answers_file
from kundencheck.core.errors import AnswersError
from kundencheck.session import RunSession, open_project
from tests.support.git import git
from tests.support.history import build_history


def test_language_follows_lang_then_config(repo, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with_env = open_project(repo)
    assert with_env.language == "de"
    assert with_env.checklist_for("build").language == "de"
    with_env.close()

    (repo / ".kundencheck").mkdir()
    (repo / ".kundencheck" / "config.toml").write_text('language = "en"\nphase = "design"\n')
    configured = open_project(repo)
    assert configured.language == "en"  # the project config wins over LANG
    assert configured.current_phase() == "design"
    assert configured.checklist_for("design").title.isascii()
    configured.close()


def test_language_falls_back_to_english(repo, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    project = open_project(repo)
    assert project.language == "en"
    assert project.current_phase() == "build"
    project.close()


def test_every_answer_is_saved_as_a_draft_in_the_git_dir(project_repo):
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    session.set_value("client-contacted", "amber")
    session.set_note("client-contacted", "Only mails")
    draft = project_repo / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml"
    saved = answers_file.loads(draft.read_bytes())
    assert saved.answer("client-contacted").value == "amber"
    assert saved.answer("client-contacted").note == "Only mails"
    # Never in the work tree: git status does not see it.

    assert git(project_repo, "status", "--porcelain") == ""
    session.release()
    project.close()


def test_answers_hidden_by_a_later_change_are_not_committed(project_repo):
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    session.set_value("own-design", "yes")
    session.set_value("deviations-announced", "green")
    session.set_value("own-design", "no")  # the deviations item is no longer asked
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("expectations-match", "green"),
        ("self-critical", "Nothing"),
    ):
        session.set_value(item, value)
    assert session.problems() == []
    result = session.commit()
    committed = answers_file.loads((project_repo / session.run.path).read_bytes())
    assert committed.answer("deviations-announced") is None
    assert result.subject == "kundencheck(build): 3 green, 0 amber, 0 red"
    assert not (project_repo / ".git" / "kundencheck" / "drafts" / f"{session.run.id}.toml").exists()
    project.close()


def test_commit_refused_while_answers_are_missing(project_repo):
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    session.set_value("client-contacted", "red")
    with pytest.raises(AnswersError) as error:
        session.commit()
    assert "needs a note" in str(error.value) and "required items not answered" in str(error.value)
    session.release()
    project.close()


def test_previous_answer_comes_from_the_last_run(project_repo):
    project = open_project(project_repo)
    first = RunSession.start(project, "build")
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 2),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "x"),
    ):
        first.set_value(item, value)
    first.set_action("team-mood", what="Talk", owner="Ana", due=answers_mod.now().date())
    first.commit()
    second = RunSession.start(project, "build")
    assert second.previous is None  # not read until asked: the TUI asks in a worker
    assert second.load_previous().id == first.run.id
    assert second.previous_answer("team-mood").value == 2
    assert second.previous_answer("client-contacted").value == "green"
    second.release()
    project.close()


# ------------------------------------------------------------------------------ history and action reviews


def test_summary_phases_and_offerable_draft(project_repo):
    import datetime as dt

    runs = build_history(project_repo)["runs"]
    project = open_project(project_repo)
    summary, problems = project.summary(dt.date(2026, 4, 10))
    assert problems == [] and len(summary.runs) == 5 and summary.today == dt.date(2026, 4, 10)
    assert [a.what for a in summary.overdue_actions()] == ["Book a review", "Talk about workload"]
    assert project.phases()[:5] == ["kickoff", "design", "build", "acceptance", "handover"]
    assert project.phases("zz-own")[-1] == "zz-own"
    assert project.offerable_draft("build") is None
    session = RunSession.start(project, "build", sprint="2026-W15")
    session.set_value("client-contacted", "green")
    session.release()
    run, description = project.offerable_draft("build")
    assert run.id == session.run.id and "sprint 2026-W15" in description and "1 answer." in description
    assert runs["ana3"].id not in description
    project.close()


def test_reviews_are_saved_in_the_draft_committed_and_named_in_the_message(project_repo):

    runs = build_history(project_repo)["runs"]
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    actions = session.load_open_actions()
    assert [(a.run, a.item, a.what) for a in actions] == [
        (runs["ana2"].id, "client-contacted", "Book a review"),
        (runs["ana3"].id, "client-contacted", "Send the summary"),
        (runs["ana3"].id, "team-mood", "Talk about workload"),
    ]
    session.set_review(runs["ana2"].id, "client-contacted", "done")
    session.set_review(runs["ana3"].id, "team-mood", "dropped")
    session.set_review(runs["ana3"].id, "client-contacted", "open", "Client on holiday")
    session.set_review(runs["ana3"].id, "client-contacted", None)  # taken back
    assert session.has_answers()  # quitting now would leave the decisions as a draft
    draft = answers_file.loads((project_repo / ".git/kundencheck/drafts" / f"{session.run.id}.toml").read_bytes())
    assert [(r.item, r.decision) for r in draft.reviews] == [("client-contacted", "done"), ("team-mood", "dropped")]
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "ok"),
    ):
        session.set_value(item, value)
    assert any("dropped action needs a note" in p for p in session.problems())
    with pytest.raises(AnswersError):
        session.commit()
    session.set_review(runs["ana3"].id, "team-mood", "dropped", "Workload is fine again")
    with pytest.raises(ValueError, match="decision 'maybe' is not one of"):
        session.set_review(runs["ana3"].id, "team-mood", "maybe")
    result = session.commit()
    committed = answers_file.loads(git(project_repo, "show", f"HEAD:{session.run.path}").encode())
    assert [(r.run, r.item, r.decision, r.note) for r in committed.reviews] == [
        (runs["ana2"].id, "client-contacted", "done", ""),
        (runs["ana3"].id, "team-mood", "dropped", "Workload is fine again"),
    ]
    body = git(project_repo, "log", "-1", "--format=%B")
    assert result.subject in body
    assert f"Actions reviewed:\n- client-contacted (from run {runs['ana2'].id}): done\n    Action: Book a review\n" in body
    assert "    Action: Talk about workload\n    Note: Workload is fine again" in body
    # The next run starts with what is still open.
    again = RunSession.start(project, "build")
    assert [a.what for a in again.load_open_actions()] == ["Send the summary"]
    again.release()
    project.close()


def test_one_decision_for_many_actions_is_saved_once(project_repo, monkeypatch):

    runs = build_history(project_repo)["runs"]
    project = open_project(project_repo)
    session = RunSession.start(project, "build")
    threads = session.load_open_actions()
    saves = []
    save = session.save_draft
    monkeypatch.setattr(session, "save_draft", lambda: (saves.append(1), save()))
    session.set_reviews([t.key for t in threads], "dropped", "The client moved on")
    assert len(saves) == 1
    assert sorted((r.run, r.item, r.decision, r.note) for r in session.run.reviews) == sorted(
        (t.key[0], t.key[1], "dropped", "The client moved on") for t in threads
    )
    assert session.undecided_count() == 0
    session.set_reviews([threads[0].key, threads[1].key], None)  # taken back
    assert [(r.run, r.item) for r in session.run.reviews] == [threads[2].key] and session.undecided_count() == 2
    draft = answers_file.loads((project_repo / ".git/kundencheck/drafts" / f"{session.run.id}.toml").read_bytes())
    assert [(r.run, r.item) for r in draft.reviews] == [threads[2].key]
    assert runs["ana2"].id in {t.key[0] for t in threads}
    session.release()
    project.close()


def test_a_run_started_from_the_home_screen_compares_its_key_signals_with_the_sprint_before(project_repo):
    """The home screen hands its summary over (use_summary): the review shows the same subject
    as the commit, naming a key signal that got worse since the sprint before."""
    import datetime as dt

    build_history(project_repo)
    project = open_project(project_repo)
    try:
        summary, _problems = project.summary(dt.date(2026, 4, 10))
        session = RunSession.start(project, "build", sprint="2026-W16")
        assert not session.history_read
        session.use_summary(summary)
        assert session.history_read and session.before.sprint == "2026-W14"
        assert [a.item for a in session.open_actions] == [a.item for a in summary.actions_to_review("build")]
        for item, value in (
            ("client-contacted", "green"),
            ("team-mood", 3),
            ("own-design", "no"),
            ("expectations-match", "amber"),
            ("self-critical", "Nothing"),
        ):
            session.set_value(item, value)
        session.set_note("expectations-match", "Scope grows")
        # W14's picture: contact red, mood 1 (the lower median), expectations red: all better now.
        assert session.message().split("\n", 1)[0] == "kundencheck(build): 1 green, 2 amber, 0 red"
        session.set_value("client-contacted", "red")
        session.set_note("client-contacted", "Silence")
        session.set_action("client-contacted", what="Call", owner="Ana", due=dt.date(2026, 4, 20))
        assert session.message().split("\n", 1)[0] == "kundencheck(build): 0 green, 2 amber, 1 red; Talked to the client no →"
        session.release()
    finally:
        project.close()


def test_the_push_decision_is_made_when_the_run_starts_and_carried_to_its_commit(project_repo):
    """--push/--no-push, else the project's suggestion as this person answered it in the user
    config: decided by RunSession.start, kept with the run, and not decided again when the
    user config changes before the commit."""
    from kundencheck.core import user_config
    from kundencheck.core.user_config import (
        PushDecision,
        decide_push,
        user_config_path,
        with_push_choice,
    )

    assert [
        decide_push(flag, suggests, accepted)
        for flag, suggests, accepted in (
            (True, False, None),
            (False, True, True),
            (None, False, True),
            (None, True, None),
            (None, True, True),
            (None, True, False),
        )
    ] == [
        PushDecision(True, user_config.PUSH_FLAG),
        PushDecision(False, user_config.PUSH_FLAG),
        PushDecision(False, user_config.PUSH_NOT_SUGGESTED),
        PushDecision(False, user_config.PUSH_UNANSWERED),
        PushDecision(True, user_config.PUSH_ACCEPTED),
        PushDecision(False, user_config.PUSH_DECLINED),
    ]
    assert decide_push(None, True, None).suggested and not decide_push(None, True, False).suggested

    (project_repo / ".kundencheck" / "config.toml").write_text("[storage]\npush = true\n")
    project = open_project(project_repo)
    unanswered = RunSession.start(project, "build")
    flagged = RunSession.start(project, "build", push=False)
    folder = str(project.store.repository_folder)
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(with_push_choice("", folder, True))  # accepted after these runs started
    accepted = RunSession.start(project, "build")
    assert unanswered.push_decision.why == user_config.PUSH_UNANSWERED and not unanswered.wants_push()
    assert flagged.push_decision.why == user_config.PUSH_FLAG and not flagged.wants_push()
    assert accepted.push_decision.why == user_config.PUSH_ACCEPTED and accepted.wants_push()
    for item, value in (
        ("client-contacted", "green"),
        ("team-mood", 4),
        ("own-design", "no"),
        ("expectations-match", "green"),
        ("self-critical", "ok"),
    ):
        unanswered.set_value(item, value)
    result = unanswered.commit()  # the suggestion not yet accepted when it started: said, not pushed
    assert result.push_suggested and not unanswered.wants_push()
    for session in (unanswered, flagged, accepted):
        session.release()
    project.close()


def test_a_correction_of_a_meeting_keeps_its_votes_and_people():
    """`kundencheck amend` of a sprint meeting's run: still the meeting's answers, its votes and
    who was there stay (tests/core/test_meeting_history.py has the meeting)."""
    from kundencheck.core.people import Person
    from kundencheck.session import correction_run
    from tests.support.meeting_runs import ERIKA, MEETING_CHECKLIST, meeting
    from tests.support.runs import ANA, LEA

    corrected = correction_run(MEETING_CHECKLIST, meeting(), Person("Jonas", "jonas@example.com"))
    assert corrected.meeting and corrected.votes == meeting().votes
    assert corrected.participants[0] == "Jonas <jonas@example.com>" and set(corrected.participants) >= {ERIKA, ANA, LEA}
    corrected.correction_note = "typo"
    assert answers_mod.problems_with(corrected, MEETING_CHECKLIST) == []
    assert answers_mod.schema_of(corrected) == 2
