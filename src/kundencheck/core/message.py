"""The commit message for a run: a subject for ``git log --oneline``, a body a reviewer can
act on, and trailers that tools read back.

Everything a person typed goes into the body indented, on lines of its own, and never into
the final paragraph, so no note can forge a trailer, start a comment line or break the subject.
Body lines are wrapped at words to stay under 100 characters (:data:`MAX_LINE`), each wrapped
part indented under its first line; nothing is cut off. A single word longer than that (a long
link) keeps its own line whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kundencheck.core.answers import Answer, Run, display_value
from kundencheck.core.bands import answer_band
from kundencheck.core.checklist import AnswerValue, Checklist, Item, Kind
from kundencheck.core.dates import due_date_words
from kundencheck.core.i18n import N_, _, translate
from kundencheck.core.people import person_key
from kundencheck.core.scoring import tally
from kundencheck.core.text import clean_text, one_line

if TYPE_CHECKING:
    from kundencheck.core.history import Change, SprintPicture

#: How much of a note the message carries; the whole note is in the answers file.
NOTE_LIMIT = 600
#: The longest body line, in characters: under 100, so `git log` in a terminal, code hosts and
#: mail clients show every line whole (wider lines are cut or wrapped anyhow by some of them).
MAX_LINE = 99
TRAILER_KEYS = ("Kundencheck-Run", "Kundencheck-Phase", "Kundencheck-Checklist", "Kundencheck-Score")
#: The trailer of a correction (after the others): the id of the run it corrects.
CORRECTS_TRAILER = "Kundencheck-Corrects"
#: The longest subject that names key signals: what `git log --oneline` and code hosts show whole.
SUBJECT_LIMIT = 72


def subject(run: Run, checklist: Checklist, before: SprintPicture | None = None) -> str:
    """``kundencheck(build): 6 green, 2 amber, 2 red; mood 1/5 ↓``: the run's answers counted by
    band, then the key signals that are red or worse than ``before`` (the previous sprint's
    picture), most severe first, as many as fit in SUBJECT_LIMIT characters (a signal that
    does not fit is left out whole, with the less severe ones after it)."""
    t = tally(run, checklist)
    parts = [_("{n} green").format(n=t.green), _("{n} amber").format(n=t.amber), _("{n} red").format(n=t.red)]
    if t.na:
        parts.append(_("{n} n/a").format(n=t.na))
    head = f"kundencheck({run.phase}): " + ", ".join(parts)
    if run.corrects:
        # A correction says so first: `git log --oneline` tells it from a new run.
        head = f"kundencheck({run.phase}): " + _("correction, {counts}").format(counts=", ".join(parts))
    shown: list[str] = []
    for change in key_signals(run, checklist, before):
        candidate = [*shown, _signal_text(checklist, change)]
        if len(head) + 2 + len(", ".join(candidate)) > SUBJECT_LIMIT:
            break
        shown = candidate
    return head + ("; " + ", ".join(shown) if shown else "")


def key_signals(run: Run, checklist: Checklist, before: SprintPicture | None = None) -> list[Change]:
    """The run's key signals that are red or worse than ``before``, most severe first."""
    from kundencheck.core.history import alarming, changes

    return alarming(changes(run.values(), before, checklist))


def _signal_text(checklist: Checklist, change: Change, *, title: bool = True) -> str:
    """``mood 1/5 ↓``: the item's short title, its answer and the trend's arrow (with ``title``
    False, ``team-mood: 1/5 ↓``: its id instead)."""
    from kundencheck.core.history import TREND_ARROWS

    item = checklist.item(change.item)
    value = _short_value(item, change.value)
    arrow = TREND_ARROWS[change.trend]
    name = item.label if (title and item is not None) else f"{change.item}:"
    parts = [name, value, arrow]
    return " ".join(p for p in parts if p)


def _short_value(item: Item | None, value: AnswerValue | None) -> str:
    if item is not None and item.kind is Kind.SCALE:
        return f"{value}/5"
    if item is None:
        return one_line(str(value), 20)
    return one_line(display_value(item, value), 40)


def trailers(run: Run, checklist: Checklist) -> list[tuple[str, str]]:
    # Keys stay English whatever the language, so scripts can rely on them.
    pairs = [
        ("Kundencheck-Run", run.id),
        ("Kundencheck-Phase", run.phase),
        ("Kundencheck-Checklist", f"{checklist.id}@{one_line(checklist.version, 20).replace(' ', '')}"),
        ("Kundencheck-Score", tally(run, checklist).score),
    ]
    if run.corrects:
        pairs.append((CORRECTS_TRAILER, run.corrects))
    author = person_key(one_line(run.author))  # as the participants are compared: on one line, cleaned
    for person in run.participants:
        person = one_line(person, 200)
        if person and person_key(person) != author:
            pairs.append(("Co-authored-by", person))
    return pairs


def build_message(
    run: Run, checklist: Checklist, *, actions: Mapping[tuple[str, str], str] | None = None, before: SprintPicture | None = None
) -> str:
    """The whole commit message. ``actions`` maps (run id, item id) to what an earlier run's
    action said, so the "Actions reviewed" section can name the actions it decided on;
    ``before``, the previous sprint's picture of the checklist, is what key signals are
    compared with (none: the first sprint, every answer is new)."""
    lines = [subject(run, checklist, before), ""]
    body = _body_lines(run, checklist, before) + _review_lines(run, actions or {})
    if body:
        lines += [*body, ""]
    lines += [f"{key}: {value}" for key, value in trailers(run, checklist)]
    return "\n".join(lines) + "\n"


def _body_lines(run: Run, checklist: Checklist, before: SprintPicture | None = None) -> list[str]:
    if run.meeting:
        lines: list[str] = _wrapped(
            _("Sprint {sprint}, agreed in a sprint meeting of {n}, recorded by {author}.").format(
                sprint=one_line(run.sprint, 40), n=max(len(run.participants), 1), author=one_line(run.author, 120)
            ),
            "",
            "  ",
        )
    else:
        lines = _wrapped(
            _("Sprint {sprint}, answered by {author}.").format(sprint=one_line(run.sprint, 40), author=one_line(run.author, 120)),
            "",
            "  ",
        )
    if run.corrects:
        lines += _wrapped(_("Corrects run {run}; it stands for that run in its sprint.").format(run=run.corrects), "", "  ")
        lines += _indented(_("Why:"), run.correction_note)
    signals = key_signals(run, checklist, before)
    if signals:
        lines += ["", _("Key signals:")]
        for change in signals:
            item = checklist.item(change.item)
            line = f"- {_signal_text(checklist, change, title=False)}"
            if change.before is not None:
                line += " " + _("(sprint before: {value})").format(value=_short_value(item, change.before))
            lines.append(line)
    flagged = [(item, answer) for item, answer in _answered(run, checklist) if _is_flagged(item, answer)]
    for band, heading in (("red", _("Red:")), ("amber", _("Amber:")), (None, _("Needs attention:"))):
        group = [
            (i, a)
            for i, a in flagged
            if (answer_band(i, a.value) == band if band else answer_band(i, a.value) not in ("red", "amber"))
        ]
        if not group:
            continue
        lines += ["", heading]
        for item, answer in group:
            lines += _wrapped(f"{item.id}: {one_line(item.question, 200)}", "- ", "  ")
            if item.kind is not Kind.TRAFFIC_LIGHT:
                lines += _wrapped(_("Answer: {value}").format(value=_short_value(item, answer.value)), "  ", "    ")
            lines += _vote_lines(run, item)
            if answer.note.strip():
                lines += _indented(_("Note:"), answer.note)
            action = answer.raised_action
            if action is not None:
                owner = one_line(action.owner, 80) or "?"
                lines += _indented(_("Action ({owner}, {due}):").format(owner=owner, due=due_date_words(action.due)), action.what)
    shown = {item.id for item, _answer in flagged}
    apart = [(item, answer) for item, answer in _answered(run, checklist) if item.id not in shown and _votes_disagree(run, item)]
    if apart:
        lines += ["", _("The votes disagreed:")]
        for item, answer in apart:
            lines += _wrapped(f"{item.id}: {one_line(item.question, 200)}", "- ", "  ")
            lines += _wrapped(_("Agreed: {value}").format(value=one_line(_short_value(item, answer.value), 100)), "  ", "    ")
            lines += _vote_lines(run, item)
    return lines


def _votes_disagree(run: Run, item: Item) -> bool:
    from kundencheck.core.history import spread_of

    votes = run.votes_on(item.id)
    return votes is not None and spread_of(votes.values(), item.kind, item).disagreement


def _vote_lines(run: Run, item: Item) -> list[str]:
    """A meeting's votes on ``item``: each person's (``Votes: Ana Schäfer no, …``), or of an
    anonymous item how many voted for each value only (``Votes (anonymous): 2 × 1/5, …``)."""
    from kundencheck.core.answers import ordered_counts
    from kundencheck.core.people import author_name

    votes = run.votes_on(item.id)
    if votes is None or not votes.voters:
        return []
    if votes.anonymous:
        counts = ", ".join(
            f"{count} × {one_line(_short_value(item, value), 40)}" for value, count in ordered_counts(item, votes.counts())
        )
        return _wrapped(_("Votes (anonymous): {counts}").format(counts=counts), "  ", "    ")
    named = ", ".join(
        f"{one_line(author_name(vote.person), 40)} {one_line(_short_value(item, vote.value), 40)}" for vote in votes.named
    )
    return _wrapped(_("Votes: {votes}").format(votes=named), "  ", "    ")


#: How a review decision reads in the body.
_DECISIONS = {"done": N_("done"), "open": N_("still open"), "dropped": N_("dropped")}


def _review_lines(run: Run, actions: Mapping[tuple[str, str], str]) -> list[str]:
    """The "Actions reviewed" section: per decided action its item, the run that raised it and
    the decision; what the action said and the note are indented like notes."""
    if not run.reviews:
        return []
    lines = ["", _("Actions reviewed:")]
    for review in run.reviews:
        decision = translate(_DECISIONS.get(review.decision, review.decision))
        lines += _wrapped(
            _("{item} (from run {run}): {decision}").format(
                item=one_line(review.item, 64), run=one_line(review.run, 80), decision=one_line(decision, 20)
            ),
            "- ",
            "  ",
        )
        what = actions.get(review.action_key, "")
        if what.strip():
            lines += _indented(_("Action:"), what)
        if review.note.strip():
            lines += _indented(_("Note:"), review.note)
    return lines


def _answered(run: Run, checklist: Checklist) -> list[tuple[Item, Answer]]:
    values = run.values()
    pairs = []
    for item in checklist.visible_items(values):
        answer = run.answer(item.id)
        if answer is not None and answer.is_answered:
            pairs.append((item, answer))
    return pairs


def _is_flagged(item: Item, answer: Answer) -> bool:
    """Red and amber answers, any other the checklist asks a note or action for, and any that
    raises an action (a green one may: the client sees the item otherwise, docs/mirror.md)."""
    if answer_band(item, answer.value) in ("red", "amber"):
        return True
    return item.needs_action(answer.value) or item.needs_note(answer.value) or answer.raised_action is not None


def _indented(label: str, text: str) -> list[str]:
    """``label`` and ``text`` as body lines indented by four spaces (six after the first),
    blank lines removed, each line wrapped at words to :data:`MAX_LINE`.

    The indent keeps a line like ``Kundencheck-Score: 10/10`` or ``# comment`` in a note from
    being read as a trailer or stripped as a comment.
    """
    text = clean_text(text).strip()
    if len(text) > NOTE_LIMIT:
        text = text[: NOTE_LIMIT - 1].rstrip() + "…"
    body = [line.rstrip() for line in text.split("\n") if line.strip()]
    if not body:
        return [f"    {label}"]
    out = _wrapped(f"{label} {body[0]}", "    ", "      ")
    for line in body[1:]:
        out += _wrapped(line, "      ", "      ")
    return out


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped at words into lines of at most :data:`MAX_LINE` characters, the first
    starting with ``first``, the others with ``rest``. Never cut: a word longer than a line (a
    link) stays whole on a line of its own; spaces inside the text are kept as they are."""
    import textwrap

    return textwrap.wrap(
        text,
        width=MAX_LINE,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,  # pragma: no mutate (None is False too)
        break_on_hyphens=False,  # pragma: no mutate (None is False too)
        replace_whitespace=False,
    ) or [first.rstrip()]
