"""The review screen: every answer, and the exact commit message that will be written."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from kundencheck.core.errors import KundencheckError, StoreError
from kundencheck.core.i18n import N_, _
from kundencheck.core.text import clean_text, one_line
from kundencheck.session import RunSession
from kundencheck.store.git_store import CommitResult
from kundencheck.tui.translated import TranslatedBindings
from kundencheck.tui.widgets.clean_input import CleanInput
from kundencheck.tui.widgets.question import answer_text
from kundencheck.tui.widgets.title_bar import TitleBar

#: How much of one answer, note or action the review shows: all of any that people write (a
#: pasted megabyte is not drawn whole; the answers file and the commit keep it all).
NOTE_SHOWN = 5000


def _shown_text(text: str) -> str:
    """A note or action as the review shows it: its lines kept, control characters removed."""
    cleaned = clean_text(text).strip()
    if len(cleaned) > NOTE_SHOWN:
        cleaned = cleaned[: NOTE_SHOWN - 1] + "…"
    return "\n      ".join(line.rstrip() for line in cleaned.splitlines() if line.strip())


class ReviewScreen(TranslatedBindings, Screen[None]):
    """The answers as they will be committed, the commit message, and what still blocks it."""

    # Its own rules: parsed when it is first shown, not before the run screen's first frame.
    DEFAULT_CSS = """
    #review-body {
        padding: 0 1;
    }
    #review-problems {
        margin: 1 0;
    }
    #review-message {
        border: round $accent;
        padding: 0 1;
        margin-top: 1;
    }
    #review-error {
        margin-top: 1;
        border: heavy $error;
        padding: 0 1;
    }
    #correction-label {
        margin-top: 1;
    }
    #correction-tone {
        color: $text-muted;
    }
    """

    #: What the help (? or F1) lists here.
    HELP_TITLE = N_("Keys on the review")
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("enter", N_("commit the answers with this message")),
        ("escape", N_("back to the questions, to change an answer")),
        ("↑ ↓  pgup pgdn", N_("scroll")),
        ("ctrl+p", N_("command palette: every action by name")),
        ("? F1", N_("this help")),
        ("ctrl+q", N_("quit (answers stay as a draft)")),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "commit", N_("Commit")),
        Binding("escape", "app.pop_screen", N_("Back to edit")),
        Binding("question_mark,f1", "app.help", N_("Help")),
    ]

    def __init__(self, session: RunSession) -> None:
        super().__init__()
        self.session = session
        self._committing = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="review-body"):
            if self.session.run.corrects:
                # A correction says why, first: the commit needs it (core/answers.correction_problems).
                yield Static(
                    Text(_("Why are these answers corrected? (required; enter commits)"), style="bold"),
                    id="correction-label",
                    markup=False,
                )
                yield CleanInput(
                    self.session.run.correction_note,
                    id="correction-note",
                    compact=True,
                    placeholder=_("e.g. team-mood was typed as 4, the team said 2"),
                    select_on_focus=False,
                )
                yield Static(id="correction-tone", markup=False)
            yield Static(id="review-participants", markup=False)
            yield Static(id="review-answers", markup=False)
            yield Static(id="review-problems", markup=False)
            yield Static(id="review-message", markup=False)
            yield Static(id="review-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Review: {title}").format(title=clean_text(self.session.checklist.title))
        self.sub_title = _("enter commits, escape goes back")
        # Everything that will be committed, whole: answers, notes and actions wrap, never cut
        # (a note of many lines keeps its lines). A long item id folds onto a second line.
        answers = Table.grid(padding=(0, 2))
        answers.add_column(style="bold", max_width=30, overflow="fold")
        answers.add_column()
        for item in self.session.visible_items():
            answer = self.session.run.answer(item.id)
            cell = Text()
            cell.append_text(answer_text(item, answer, limit=NOTE_SHOWN))
            if answer and answer.note.strip():
                cell.append("\n" + _("Note: ") + _shown_text(answer.note), style="dim")
            action = answer.raised_action if answer else None
            if action is not None:
                due = action.due.isoformat() if action.due else "?"
                owner = one_line(action.owner, 80) or "?"
                cell.append("\n" + _("Action: ") + f"{_shown_text(action.what)} ({owner}, {due})", style="dim")
            answers.add_row(Text(item.id), cell)
        self.query_one("#review-answers", Static).update(answers)
        together = self.session.participants()
        participants = self.query_one("#review-participants", Static)
        participants.display = bool(together)
        if together:
            line = Text(_("Answering together: "), style="bold")
            line.append(", ".join(one_line(person, 120) for person in together))
            participants.update(line)
        self._show_problems_and_message()
        self.query_one("#review-error", Static).display = False
        if self.session.run.corrects:
            self._show_correction_tone()
            if not self.session.run.correction_note.strip():
                self.query_one("#correction-note", Input).focus()

    def _show_problems_and_message(self) -> None:
        problems = self.session.problems()
        problem_widget = self.query_one("#review-problems", Static)
        problem_widget.display = bool(problems)
        if problems:
            text = Text(_("Not ready to commit yet (escape to go back):") + "\n", style="bold red")
            for problem in problems:
                text.append(f"✘ {one_line(problem, 300)}\n")
            problem_widget.update(text)
        message = self.query_one("#review-message", Static)
        message.border_title = _("Commit message")
        message.update(Text(self.session.message()))

    def _show_correction_tone(self) -> None:
        from kundencheck.tui.screens.run import tone_hint_text

        words = self.session.tone_in(self.session.run.correction_note)
        widget = self.query_one("#correction-tone", Static)
        widget.display = bool(words)
        if words:
            widget.update(Text(tone_hint_text(words), style="italic"))

    @on(Input.Changed, "#correction-note")
    def _correction_note_changed(self, event: Input.Changed) -> None:
        self.session.set_correction_note(event.value)
        self._show_problems_and_message()
        self._show_correction_tone()

    @on(Input.Submitted, "#correction-note")
    def _correction_note_submitted(self) -> None:
        self.action_commit()

    def action_commit(self) -> None:
        if self._committing:
            return
        if self.session.problems():
            self.app.bell()
            return
        self._committing = True
        self.sub_title = _("Committing…")
        self._commit()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _commit(self) -> CommitResult:
        # Git may take a moment (hooks, signing); the screen stays responsive meanwhile.
        result = self.session.commit()
        if self.session.wants_push():  # decided when the run started; never fails the commit, time-limited
            self.app.call_from_thread(setattr, self, "sub_title", _("Committed; pushing…"))
            result = self.session.push()
            if result.push_failure is not None:  # the whole story is printed once the screen has closed
                from kundencheck.push_texts import refusal_title

                self.app.call_from_thread(
                    setattr, self, "sub_title", _("Committed; {problem}").format(problem=refusal_title(result.push_failure))
                )
        return result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Handled here, on the app's thread, once the worker has really finished.
        if event.worker.name != "_commit":
            return
        if event.state is WorkerState.SUCCESS:
            self.app.exit(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            # The draft is saved after every answer and just before the commit; for a store
            # error the session says whether it holds the answers (not when the run is committed).
            saved = None if self.session.draft_error else self.session.run.id
            if isinstance(error, StoreError):
                self._show_error(str(error), error.draft_id)
            elif isinstance(error, KundencheckError):
                self._show_error(str(error), saved)
            else:  # a bug; still one paragraph
                self._show_error(
                    _("An unexpected internal error happened ({error}). This is a bug in kundencheck.").format(
                        error=f"{type(error).__name__}: {error}"
                    ),
                    saved,
                )

    def _show_error(self, message: str, draft_id: str | None = None) -> None:
        self._committing = False
        self.sub_title = _("Not committed")
        widget = self.query_one("#review-error", Static)
        text = Text(_("The commit did not happen.") + " ", style="bold red")
        text.append(clean_text(message))
        if draft_id is not None:
            hint = _("Your answers are kept as draft {id}: commit them later with `kundencheck drafts commit {id}`.")
            text.append("\n" + hint.format(id=draft_id))
        elif self.session.draft_error:
            text.append(
                "\n"
                + _("Your answers are still open here, but the draft could not be saved: {problem}").format(
                    problem=clean_text(self.session.draft_error or "")
                )
            )
        widget.update(text)
        widget.display = True
        widget.scroll_visible()
