"""The client's own view: mirror invitations, the block of answers a client mails back, and
the client's answers as kundencheck keeps them (docs/mirror.md).

Pure: files' bytes and texts in, records out; no git, no clock (callers pass ``now`` and
``today``). What lives here:

- **Client questions.** The items of a checklist that carry a client wording
  (``client.question``, ``client.why``: docs/checklist-format.md), in checklist order.
- **Invitations.** One per question round sent to a client: its id, phase, checklist, sprint,
  language, the items asked and a random secret. Kept, committed, in
  ``.kundencheck/mirror/<id>.toml``, so any teammate can import the reply.
- **The block.** What the invitation page makes of the client's answers: a few short lines
  between two marker lines, the answers as base64url of a small JSON document, and an
  HMAC-SHA256 of it made with the invitation's secret. :func:`find_block` finds it in a pasted
  mail (quoting, quoted-printable, a whole MIME message, an attached text file);
  :func:`open_block` verifies it against the invitation and turns it into a
  :class:`ClientReply`, or says why not (:class:`BlockRefusal`).
- **Client replies.** ``.kundencheck/client/<invitation id>.toml``: the client's answers, who
  imported them and when.

What the MAC proves, and what it does not: the block came, unchanged, from a page of that
invitation (the secret is in the page). It is no signature: whoever has the page can make a
block for it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from kundencheck.core.checklist import (
    STATUSES,
    AnswerValue,
    Checklist,
    Kind,
    describe_value,
    is_safe_id,
    parse_toml_bytes,
)
from kundencheck.core.errors import KundencheckError, listed
from kundencheck.core.i18n import _, ngettext
from kundencheck.core.text import clean_text, one_line

SCHEMA_VERSION = 1
#: Where invitations and the client's answers are committed.
MIRROR_DIR = ".kundencheck/mirror"
CLIENT_DIR = ".kundencheck/client"
#: The trailer of the commit that adds a client's answers, and of the invitation's commit.
SOURCE_TRAILER = "Kundencheck-Source"
INVITATION_TRAILER = "Kundencheck-Invitation"
#: The marker lines around a block: like an armoured PGP message, which mail programs leave alone.
BLOCK_BEGIN = "-----BEGIN KUNDENCHECK ANSWERS-----"
BLOCK_END = "-----END KUNDENCHECK ANSWERS-----"
#: Put before the payload's bytes in the MAC, so a MAC of this format is never one of another.
MAC_CONTEXT = b"kundencheck-mirror-1\n"
#: The version of the block's payload (its ``v``).
PAYLOAD_VERSION = 1
#: Characters of the payload's base64url text per line: well under the 76 of quoted-printable,
#: so a mail program never has to break a line, even quoted a few times.
BLOCK_LINE = 64
#: The longest comment a client may write on one item, and the longest name.
COMMENT_LIMIT = 2000
NAME_LIMIT = 200
#: Invitation ids: the phase, then letters and digits that read unambiguously.
_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_TOKEN_LENGTH = 8
SECRET_BYTES = 32


class MirrorError(KundencheckError):
    """An invitation or a client's answers file that cannot be read (a hand edit, a teammate's
    broken commit), or an invitation that cannot be made. ``source`` names the file."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


# --------------------------------------------------------------------------------- questions


class ClientQuestion(NamedTuple):
    """One item as the client is asked it: its id and kind, and the client's wording."""

    item: str
    kind: Kind
    question: str
    why: str
    #: A scale's ends as the client reads them ("" for a traffic light).
    low: str = ""
    high: str = ""


def client_questions(checklist: Checklist) -> list[ClientQuestion]:
    """The checklist's items that carry a client wording, in checklist order; the others are the
    team's own and are never shown to the client."""
    found = []
    for item in checklist.items:
        if item.client is None:
            continue
        low = item.client.low or item.low if item.kind is Kind.SCALE else ""
        high = item.client.high or item.high if item.kind is Kind.SCALE else ""
        found.append(ClientQuestion(item.id, item.kind, item.client.question, item.client.why, low, high))
    return found


# --------------------------------------------------------------------------------- invitations


class Invitation(NamedTuple):
    """A round of questions sent to the client (``.kundencheck/mirror/<id>.toml``)."""

    id: str
    phase: str
    checklist: str
    checklist_version: str
    sprint: str
    language: str
    #: The items asked, in the order the page asks them.
    items: tuple[str, ...]
    #: 32 random bytes, hex: the HMAC key of the block (it is in the page, too).
    secret: str
    created: dt.datetime
    #: ``Name <email>`` of the teammate who made it.
    created_by: str
    #: Whom it is for, as the team wrote it ("" when not said): shown on the page.
    to: str = ""

    @property
    def path(self) -> str:
        return f"{MIRROR_DIR}/{self.id}.toml"


def new_token(entropy: bytes | None = None) -> str:
    """Eight letters and digits (no 0/o, 1/l/i) from ``entropy`` (default: the OS's random)."""
    number = int.from_bytes(entropy if entropy is not None else os.urandom(_TOKEN_LENGTH))
    chars = []
    for _n in range(_TOKEN_LENGTH):
        number, rest = divmod(number, len(_ID_ALPHABET))
        chars.append(_ID_ALPHABET[rest])
    return "".join(chars)


def new_invitation(
    checklist: Checklist,
    *,
    phase: str,
    sprint: str,
    created: dt.datetime,
    created_by: str,
    to: str = "",
    token: str | None = None,
    secret: str | None = None,
) -> Invitation:
    """A new invitation of ``checklist`` (its language is the page's) for ``sprint`` of
    ``phase``; MirrorError when the checklist asks the client nothing."""
    questions = client_questions(checklist)
    if not questions:
        raise MirrorError(
            _(
                "The {checklist} checklist ({language}) has no item with a client wording, so there is nothing to ask the "
                "client. Give the items the client can judge a client.question and a client.why "
                '(docs/checklist-format.md, "Asking the client").'
            ).format(checklist=checklist.id, language=checklist.language),
            source=checklist.source,
        )
    invitation_id = f"{phase[:40].rstrip('-')}-{token or new_token()}"
    return Invitation(
        id=invitation_id,
        phase=phase,
        checklist=checklist.id,
        checklist_version=checklist.version,
        sprint=clean_text(sprint),
        language=checklist.language,
        items=tuple(q.item for q in questions),
        secret=secret or os.urandom(SECRET_BYTES).hex(),
        created=created,
        created_by=clean_text(created_by),
        to=one_line(to, NAME_LIMIT),
    )


def invitation_toml(invitation: Invitation, checklist: Checklist | None = None) -> str:
    """The invitation's file: its keys, and each item's client question as a comment."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("kundencheck mirror invitation: the client's own view of a phase. Format: docs/mirror.md"))
    doc.add(tomlkit.comment("The secret makes the MAC of the client's answers; it is also in the page sent to the client."))
    doc.add("schema", SCHEMA_VERSION)
    for key in ("id", "phase", "checklist", "checklist_version", "sprint", "language"):
        doc.add(key, getattr(invitation, key))
    if invitation.to:
        doc.add("to", invitation.to)
    doc.add("created", invitation.created)
    doc.add("created_by", invitation.created_by)
    items = tomlkit.array()
    for item_id in invitation.items:
        found = checklist.item(item_id) if checklist is not None else None
        question = one_line(found.client.question, 160) if found is not None and found.client is not None else None
        items.add_line(item_id, indent="  ", comment=question)
    items.add_line(indent="")
    doc.add("items", items)
    doc.add("secret", invitation.secret)
    return doc.as_string()


_INVITATION_KEYS = {
    "schema",
    "id",
    "phase",
    "checklist",
    "checklist_version",
    "sprint",
    "language",
    "to",
    "created",
    "created_by",
    "items",
    "secret",
}
_SECRET = re.compile(r"[0-9a-f]{64}")


def read_invitation(raw: bytes, source: str) -> Invitation:
    """The invitation in a file's bytes; MirrorError naming the file, the key and what to do."""
    data = _parsed(raw, source)
    reading = _Fields(data, source)
    reading.unknown(_INVITATION_KEYS)
    reading.schema()
    invitation_id = reading.safe_id("id")
    items = data.get("items")
    if not isinstance(items, list) or not items or not all(is_safe_id(i) for i in items) or len(set(items)) != len(items):
        reading.problem("items", _('must be a list of the item ids asked, each once, such as ["client-contacted"].'))
        items = []
    secret: Any = data.get("secret")
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        reading.problem(
            "secret",
            _(
                "must be the 64 hex digits kundencheck wrote; the page sent to the client has "
                "the same. Take it from the commit that added the file (`git log -p {file}`)."
            ).format(file=source),
        )
    invitation = Invitation(
        id=invitation_id,
        phase=reading.safe_id("phase"),
        checklist=reading.safe_id("checklist"),
        checklist_version=reading.text("checklist_version"),
        sprint=reading.text("sprint"),
        language=reading.text("language"),
        items=tuple(items),
        secret=secret,
        created=reading.moment("created"),
        created_by=reading.text("created_by"),
        to=reading.text("to", optional=True),
    )
    reading.done()
    name = source.replace("\\", "/").split("/")[-1]
    if name.endswith(".toml") and invitation.id and name != f"{invitation.id}.toml":
        raise MirrorError(
            listed(
                source,
                [
                    _(
                        "key 'id': {id} is not the file's name; an invitation is kept in "
                        "{expected}. Rename the file or fix the id."
                    ).format(id=repr(invitation.id), expected=f"{invitation.id}.toml")
                ],
            ),
            source=source,
        )
    return invitation


# --------------------------------------------------------------------------------- client replies


class ClientAnswer(NamedTuple):
    """The client's answer to one item: a status or a scale value, and a comment."""

    item: str
    value: AnswerValue
    comment: str = ""


class ClientReply(NamedTuple):
    """The client's answers to one invitation (``.kundencheck/client/<invitation id>.toml``)."""

    invitation: str
    phase: str
    checklist: str
    checklist_version: str
    sprint: str
    language: str
    #: Who answered, as the client wrote it on the page, else whom the invitation was for ("").
    respondent: str
    #: When the client pressed the button, as their browser's clock said (None: unknown).
    answered: dt.datetime | None
    imported: dt.datetime
    #: ``Name <email>`` of the teammate who imported it.
    imported_by: str
    answers: tuple[ClientAnswer, ...]

    @property
    def path(self) -> str:
        return f"{CLIENT_DIR}/{self.invitation}.toml"

    def answer(self, item_id: str) -> ClientAnswer | None:
        for answer in self.answers:
            if answer.item == item_id:
                return answer
        return None


def reply_toml(reply: ClientReply, checklist: Checklist | None = None) -> str:
    """The client's answers file: its keys, each item's client question as a comment."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("kundencheck: the client's own answers to a mirror invitation. Format: docs/mirror.md"))
    doc.add("schema", SCHEMA_VERSION)
    for key in ("invitation", "phase", "checklist", "checklist_version", "sprint", "language"):
        doc.add(key, getattr(reply, key))
    if reply.respondent:
        doc.add("respondent", reply.respondent)
    if reply.answered is not None:
        doc.add("answered", reply.answered)
    doc.add("imported", reply.imported)
    doc.add("imported_by", reply.imported_by)
    doc.add(tomlkit.nl())
    answers = tomlkit.aot()
    for answer in reply.answers:
        table = tomlkit.table()
        item = checklist.item(answer.item) if checklist is not None else None
        if item is not None and item.client is not None:
            table.add(tomlkit.comment(one_line(item.client.question, 200)))
        table.add("item", answer.item)
        table.add("status" if isinstance(answer.value, str) else "value", answer.value)
        if answer.comment:
            text = tomlkit.string(answer.comment, multiline="\n" in answer.comment)
            table.add("comment", text)
        answers.append(table)
    doc.add("answers", answers)
    return doc.as_string()


_REPLY_KEYS = {
    "schema",
    "invitation",
    "phase",
    "checklist",
    "checklist_version",
    "sprint",
    "language",
    "respondent",
    "answered",
    "imported",
    "imported_by",
    "answers",
}


def read_reply(raw: bytes, source: str) -> ClientReply:
    """The client's answers in a file's bytes; MirrorError naming the file, the key and what to do."""
    data = _parsed(raw, source)
    reading = _Fields(data, source)
    reading.unknown(_REPLY_KEYS)
    reading.schema()
    answers: list[ClientAnswer] = []
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, list) or not raw_answers:
        reading.problem("answers", _("must hold the client's answers as [[answers]] tables."))
        raw_answers = []
    seen: set[str] = set()
    for n, entry in enumerate(raw_answers, start=1):
        where = _("answer {n}").format(n=n)
        if not isinstance(entry, dict) or not set(entry) <= {"item", "status", "value", "comment"}:
            reading.problem(where, _("must be a table of item, status or value, and comment."))
            continue
        item_id = entry.get("item")
        value: Any = entry.get("status", entry.get("value"))
        comment = entry.get("comment", "")
        if not is_safe_id(item_id) or item_id in seen:
            reading.problem(
                where,
                _("key 'item': must be the id of an item asked, each once (found {found}).").format(
                    found=describe_value(item_id)
                ),
            )
            continue
        status_ok = "status" in entry and "value" not in entry and type(value) is str and value in STATUSES
        scale_ok = "value" in entry and "status" not in entry and type(value) is int and 1 <= value <= 5
        if not (status_ok or scale_ok) or not isinstance(comment, str):
            reading.problem(
                where,
                _(
                    "item {item}: an answer is a status (green, amber, red, na) or a value from 1 to 5, "
                    "with an optional comment in quotes (found {found})."
                ).format(item=repr(item_id), found=describe_value(value if not (status_ok or scale_ok) else comment)),
            )
            continue
        seen.add(item_id)
        answers.append(ClientAnswer(item_id, value, clean_text(comment).strip()))
    answered = reading.moment("answered", optional=True)
    reply = ClientReply(
        invitation=reading.safe_id("invitation"),
        phase=reading.safe_id("phase"),
        checklist=reading.safe_id("checklist"),
        checklist_version=reading.text("checklist_version"),
        sprint=reading.text("sprint"),
        language=reading.text("language"),
        respondent=reading.text("respondent", optional=True),
        answered=answered,
        imported=reading.moment("imported"),
        imported_by=reading.text("imported_by"),
        answers=tuple(answers),
    )
    reading.done()
    return reply


def _parsed(raw: bytes, source: str) -> dict[str, Any]:
    """A mirror file's TOML; a MirrorError naming the file (and its ``source``), the line and column."""
    try:
        return parse_toml_bytes(raw, source, MirrorError)
    except MirrorError as exc:
        raise MirrorError(exc.message, source=source) from None


class _Fields:
    """Typed reading of a mirror file's keys, collecting every problem (each naming its key).
    A key with a problem is read as the file has it: :meth:`done` then refuses the file, so no
    record made of it is ever returned."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data, self.source = data, source
        self.problems: list[str] = []

    def problem(self, key: str, text: str) -> None:
        self.problems.append(_("key {key}: {problem}").format(key=repr(key), problem=text))

    def unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, _("unknown key. Allowed: {allowed}.").format(allowed=", ".join(sorted(allowed))))

    def schema(self) -> None:
        value = self.data.get("schema")
        if type(value) is not int or value != SCHEMA_VERSION:
            self.problem(
                "schema",
                _(
                    "must be {version} (found {found}); this kundencheck reads version {version}: "
                    "a newer kundencheck may have written the file."
                ).format(version=SCHEMA_VERSION, found=describe_value(value)),
            )

    def text(self, key: str, *, optional: bool = False) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or (not optional and not value.strip()):
            self.problem(key, _("must be a non-empty string (found {found}).").format(found=describe_value(value)))
            return value
        return clean_text(value).strip()

    def safe_id(self, key: str) -> Any:
        value = self.data.get(key)
        if not is_safe_id(value):
            self.problem(
                key,
                _("must be an id of lowercase letters, digits and dashes (found {found}).").format(found=describe_value(value)),
            )
        return value

    def moment(self, key: str, *, optional: bool = False) -> Any:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            self.problem(
                key,
                _("must be a date and time with its offset, such as 2026-11-27T09:00:00+01:00 (found {found}).").format(
                    found=describe_value(value)
                ),
            )
        return value

    def done(self) -> None:
        if self.problems:
            raise MirrorError(listed(self.source, self.problems), source=self.source)


# --------------------------------------------------------------------------------- the block


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def mac_of(secret: str, payload: bytes) -> str:
    """The block's MAC: HMAC-SHA256 over :data:`MAC_CONTEXT` and the payload's bytes, keyed with
    the invitation's secret (its bytes), as lowercase hex. The page computes the same."""
    return hmac.new(bytes.fromhex(secret), MAC_CONTEXT + payload, hashlib.sha256).hexdigest()


def payload_bytes(invitation_id: str, answers: Iterable[ClientAnswer], *, name: str = "", answered: str = "") -> bytes:
    """A payload as the page writes it (compact JSON, UTF-8): for tests and for the docs' example;
    the page builds its own."""
    document: dict[str, Any] = {
        "v": PAYLOAD_VERSION,
        "id": invitation_id,
        "t": answered,
        "n": name,
        "a": [[a.item, a.value, a.comment] for a in answers],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def encode_block(invitation_id: str, payload: bytes, secret: str) -> str:
    """The block for ``payload``, as the page shows it: the markers, the invitation id, the
    payload's base64url in lines of :data:`BLOCK_LINE`, the MAC."""
    data = _b64(payload)
    lines = [BLOCK_BEGIN, f"Invitation: {invitation_id}"]
    lines += [data[n : n + BLOCK_LINE] for n in range(0, len(data), BLOCK_LINE)]
    lines += [f"MAC: {mac_of(secret, payload)}", BLOCK_END]
    return "\n".join(lines) + "\n"


class Block(NamedTuple):
    """A block as found in a text, not verified yet (:func:`open_block` does that)."""

    #: The invitation id its first line names.
    invitation: str
    #: The payload's base64url text, its lines joined.
    data: str
    mac: str


class BlockRefusal(NamedTuple):
    """Why a text's block was not taken. ``reason``: ``"no-block"`` (no block in the text),
    ``"broken"`` (the markers are there, the lines between them are not a block's),
    ``"unknown"`` (no invitation has its id), ``"tampered"`` (it does not verify against the
    invitation's secret: a character changed, or a block made for another invitation),
    ``"replayed"`` (the invitation's answers were imported before), ``"invalid"`` (it verifies
    but its answers do not fit the invitation). The CLI puts it into words."""

    reason: str
    invitation: str = ""
    #: For "replayed": the reply imported before; for "unknown": the invitations there are.
    reply: ClientReply | None = None
    known: tuple[str, ...] = ()


_QUOTING = re.compile(r"^(?:[ \t]*>)+[ \t]?")


def _unquoted(text: str) -> list[str]:
    """The lines of ``text`` without a mail program's quoting (``> ``, ``>> ``, ``> > ``) and
    surrounding spaces."""
    return [_QUOTING.sub("", line).strip() for line in text.splitlines()]


def _block_in(text: str) -> Block | BlockRefusal | None:
    """The block in ``text``; a refusal ("broken") when its lines are not a block's; None when
    ``text`` has no begin marker."""
    lines = _unquoted(text)
    try:
        start = lines.index(BLOCK_BEGIN)
    except ValueError:
        return None
    try:
        end = lines.index(BLOCK_END, start)
    except ValueError:
        return BlockRefusal("broken")
    tokens = " ".join(lines[start + 1 : end]).split()
    if len(tokens) < 5 or tokens[0] != "Invitation:" or tokens[-2] != "MAC:":
        return BlockRefusal("broken", tokens[1] if len(tokens) > 1 and tokens[0] == "Invitation:" else "")
    return Block(tokens[1], "".join(tokens[2:-2]), tokens[-1])


def _candidates(text: str) -> Iterable[str]:
    """``text`` and the readings of it a mail program may have made necessary: the parts of a
    whole MIME message (decoded from quoted-printable or base64, attachments too), the text
    decoded from quoted-printable, an HTML mail's text."""
    yield text
    if re.search(r"(?im)^(?:mime-version|content-type|content-transfer-encoding):", text):
        import email

        for part in email.message_from_string(text).walk():
            if part.is_multipart():
                continue
            try:
                raw = part.get_payload(decode=True)
            except Exception:  # noqa: BLE001, S112 (a broken part of a mail: the others may hold the block)
                continue
            if isinstance(raw, bytes):
                yield _decoded(raw, part.get_content_charset())
    if "=" in text:
        import quopri

        yield quopri.decodestring(text.encode(errors="replace")).decode(errors="replace")
    if "<" in text:
        import html

        lines = re.sub(r"(?i)<br\s*/?>|</?p\b[^>]*>|</?div\b[^>]*>", "\n", text)
        yield html.unescape(re.sub(r"<[^>]*>", "", lines))


def _decoded(raw: bytes, charset: str | None) -> str:
    """A mail part's bytes as text: from the part's charset, else (none named, or one Python
    does not know) from UTF-8; a byte that does not fit becomes a replacement character."""
    if charset:
        with contextlib.suppress(LookupError):
            return raw.decode(charset, "replace")
    return raw.decode(errors="replace")


def find_block(text: str) -> Block | BlockRefusal:
    """The first block in ``text`` (a pasted mail, a reply file, an attachment, a whole message
    as a mail program saves it); a :class:`BlockRefusal` ("no-block" or "broken") without one."""
    broken: BlockRefusal | None = None
    for candidate in _candidates(text):
        block = _block_in(candidate)
        if isinstance(block, Block):
            return block
        broken = broken or block
    return broken or BlockRefusal("no-block")


def _payload(block: Block) -> bytes | None:
    """The payload's bytes, or None when its text is not base64url as the page writes it (one
    character changed there may still decode: the text must be exactly the payload's)."""
    try:
        raw = base64.urlsafe_b64decode(block.data + "==")  # padding beyond the data's is ignored
    except (binascii.Error, ValueError):
        return None
    return raw if _b64(raw) == block.data else None


def open_block(
    block: Block, invitations: Mapping[str, Invitation], replies: Mapping[str, ClientReply], *, now: dt.datetime, imported_by: str
) -> ClientReply | BlockRefusal:
    """Verify ``block`` against its invitation and make the client's answers of it, as of
    ``now`` by ``imported_by``; or say why not (:class:`BlockRefusal`). ``invitations`` and
    ``replies``: the repository's, by invitation id."""
    invitation = invitations.get(block.invitation)
    if invitation is None:
        return BlockRefusal("unknown", block.invitation, known=tuple(sorted(invitations)))
    payload = _payload(block)
    if payload is None or not re.fullmatch(r"[0-9a-f]{64}", block.mac):
        return BlockRefusal("tampered", invitation.id)
    if not hmac.compare_digest(mac_of(invitation.secret, payload), block.mac):
        return BlockRefusal("tampered", invitation.id)
    if invitation.id in replies:
        return BlockRefusal("replayed", invitation.id, reply=replies[invitation.id])
    answers = _answers_of(payload, invitation)
    if answers is None:
        return BlockRefusal("invalid", invitation.id)
    document = json.loads(payload)
    return ClientReply(
        invitation=invitation.id,
        phase=invitation.phase,
        checklist=invitation.checklist,
        checklist_version=invitation.checklist_version,
        sprint=invitation.sprint,
        language=invitation.language,
        respondent=one_line(document.get("n") or invitation.to, NAME_LIMIT),
        answered=_moment(document.get("t")),
        imported=now,
        imported_by=imported_by,
        answers=answers,
    )


def _answers_of(payload: bytes, invitation: Invitation) -> tuple[ClientAnswer, ...] | None:
    """The answers of a verified payload, None when they do not fit the invitation (the page
    never writes such a payload; a bug, or a block made by hand with the page's secret)."""
    try:
        document = json.loads(payload.decode())
    except (UnicodeDecodeError, ValueError):
        return None
    if (
        not isinstance(document, dict)
        or document.get("v") != PAYLOAD_VERSION
        or document.get("id") != invitation.id
        or not isinstance(document.get("a"), list)
        or not isinstance(document.get("n", ""), str)
        or not isinstance(document.get("t", ""), str)
    ):
        return None
    asked = set(invitation.items)
    answers: dict[str, ClientAnswer] = {}
    for entry in document["a"]:
        if not isinstance(entry, list) or len(entry) != 3:
            return None
        item_id, value, comment = entry
        if item_id not in asked or item_id in answers or not isinstance(comment, str) or len(comment) > COMMENT_LIMIT:
            return None
        if not ((type(value) is str and value in STATUSES) or (type(value) is int and 1 <= value <= 5)):
            return None
        answers[item_id] = ClientAnswer(item_id, value, clean_text(comment).strip())
    if not answers:
        return None
    order = {item_id: n for n, item_id in enumerate(invitation.items)}
    return tuple(sorted(answers.values(), key=lambda a: order[a.item]))


def _moment(value: str | None) -> dt.datetime | None:
    """The moment a payload's ``t`` names (the page writes JavaScript's ISO time, in UTC: ``Z``),
    None without one, or for a time without its offset."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(microsecond=0) if moment.tzinfo is not None else None


# --------------------------------------------------------------------------------- sent, answered, waiting


class InvitationState(NamedTuple):
    """An invitation and what became of it: answered (``reply``), or waiting for ``age`` days."""

    invitation: Invitation
    reply: ClientReply | None
    #: Days since it was made (as of the ``today`` asked for).
    age: int

    @property
    def answered(self) -> bool:
        return self.reply is not None


def invitation_states(
    invitations: Iterable[Invitation], replies: Mapping[str, ClientReply], today: dt.date
) -> list[InvitationState]:
    """Every invitation, the newest first, with its reply where there is one."""
    states = [InvitationState(inv, replies.get(inv.id), max(0, (today - inv.created.date()).days)) for inv in invitations]
    states.sort(key=lambda s: (s.invitation.created, s.invitation.id), reverse=True)
    return states


# --------------------------------------------------------------------------------- commit messages


def invitation_message(invitation: Invitation, questions: int) -> str:
    """The commit message that adds an invitation: what was asked of whom; the trailers say
    which invitation and phase (nothing typed can reach them: the name is on a body line)."""
    lines = [
        f"kundencheck({invitation.phase}): "
        + _("mirror invitation {id}, sprint {sprint}").format(id=invitation.id, sprint=one_line(invitation.sprint, 40)),
        "",
    ]
    text = ngettext(
        "{n} question for the client, in {language}, about sprint {sprint}.",
        "{n} questions for the client, in {language}, about sprint {sprint}.",
        questions,
    ).format(n=questions, language=invitation.language, sprint=one_line(invitation.sprint, 40))
    if invitation.to:
        text += " " + _("For: {name}.").format(name=one_line(invitation.to, 80))
    from kundencheck.core.message import _wrapped

    lines += _wrapped(text, "", "")
    lines += _wrapped(
        _("The page sent to the client holds this file's secret; import the reply with `kundencheck mirror import`."), "", ""
    )
    lines.append("")
    lines += [f"{INVITATION_TRAILER}: {invitation.id}", f"Kundencheck-Phase: {invitation.phase}"]
    return "\n".join(lines) + "\n"


def reply_message(reply: ClientReply, checklist: Checklist | None) -> str:
    """The commit message that adds the client's answers: their count by band (the same bands as
    the team's), the client's red and amber answers with their comments, and the trailers
    ``Kundencheck-Invitation``, ``Kundencheck-Phase`` and ``Kundencheck-Source: client``."""
    from kundencheck.core.bands import answer_band, count_bands
    from kundencheck.core.message import _indented, _wrapped

    bands = {a.item: answer_band(checklist.item(a.item) if checklist is not None else None, a.value) for a in reply.answers}
    counts = count_bands(bands.values())
    parts = [_("{n} green").format(n=counts.green), _("{n} amber").format(n=counts.amber), _("{n} red").format(n=counts.red)]
    if counts.na:
        parts.append(_("{n} n/a").format(n=counts.na))
    lines = [
        f"kundencheck({reply.phase}): "
        + _("client answers, {counts}; sprint {sprint}").format(counts=", ".join(parts), sprint=one_line(reply.sprint, 30)),
        "",
    ]
    who = one_line(reply.respondent, 80) or _("the client")
    day = reply.answered.date().isoformat() if reply.answered is not None else "?"
    lines += _wrapped(
        _(
            "The client's own view of sprint {sprint} (invitation {id}), answered by {who} on {day}, imported by {importer}."
        ).format(
            sprint=one_line(reply.sprint, 40), id=reply.invitation, who=who, day=day, importer=one_line(reply.imported_by, 120)
        ),
        "",
        "  ",
    )
    for band, heading in (("red", _("Red:")), ("amber", _("Amber:"))):
        group = [a for a in reply.answers if bands[a.item] == band]
        if not group:
            continue
        lines += ["", heading]
        for answer in group:
            item = checklist.item(answer.item) if checklist is not None else None
            client = item.client if item is not None else None
            lines += _wrapped(f"{answer.item}: {one_line(client.question, 200)}" if client else answer.item, "- ", "  ")
            if item is not None and item.kind is Kind.SCALE:
                lines.append("  " + _("Answer: {value}").format(value=f"{answer.value}/5"))
            if answer.comment:
                lines += _indented(_("Comment:"), answer.comment)
    lines += ["", f"{INVITATION_TRAILER}: {reply.invitation}", f"Kundencheck-Phase: {reply.phase}", f"{SOURCE_TRAILER}: client"]
    return "\n".join(lines) + "\n"
