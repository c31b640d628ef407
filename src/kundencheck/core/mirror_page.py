"""The invitation page a client opens from a mail: one self-contained HTML file (docs/mirror.md).

Pure: an invitation, its checklist and the project's names in, a page out. The page holds the
client questions of the invitation's items, the project's, the client's and the agency's names,
and nothing internal: no answer, note or action of the team. Its style and its script are
inline; nothing is loaded from anywhere, and its Content-Security-Policy allows only its own
style and script (by their hashes), so it could not load anything even if it tried.

The script reads the answers from the form and makes the block (core/mirror.py): the answers
as compact JSON, its base64url in short lines, and an HMAC-SHA256 with the invitation's secret,
computed by the browser's Web Crypto, or by a small SHA-256 of the page's own where a browser
offers none (a file opened outside a secure context). The page shows the block to copy into a
reply mail and offers it as a file to attach; it sends nothing itself.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any

from kundencheck.core.checklist import Checklist, Kind
from kundencheck.core.i18n import _, ngettext
from kundencheck.core.mirror import (
    BLOCK_BEGIN,
    BLOCK_END,
    BLOCK_LINE,
    COMMENT_LIMIT,
    MAC_CONTEXT,
    NAME_LIMIT,
    PAYLOAD_VERSION,
    Invitation,
    client_questions,
)
from kundencheck.core.text import one_line

#: The largest page kundencheck makes: it is mailed as an attachment.
PAGE_LIMIT = 100_000

#: Each answer of a traffic light as the client reads it: its value, symbol, and band (for colour).
_LIGHTS = (("green", "✔"), ("amber", "◐"), ("red", "✘"), ("na", "–"))

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #55555a; --line: #d0d0d6; --accent: #1f4f8f; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #f4f4f6; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
.from { margin: 0; color: var(--accent); font-weight: 600; letter-spacing: .02em; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .3rem 0 .4rem; }
.about { margin: 0 0 1rem; color: var(--muted); }
.intro, .privacy { margin: .6rem 0; }
.privacy { color: var(--muted); font-size: .92rem; }
p, legend, label, li { overflow-wrap: anywhere; }
ol.questions { list-style: none; margin: 1.2rem 0; padding: 0; }
ol.questions > li { margin: 0 0 1rem; }
fieldset { margin: 0; border: 1px solid var(--line); border-radius: 12px; background: #fff; padding: 1rem 1.1rem 1.1rem; }
legend { float: left; width: 100%; padding: 0; font-size: 1.1rem; font-weight: 600; line-height: 1.35; }
legend .n { display: block; color: var(--muted); font-size: .8rem; font-weight: 500; margin-bottom: .15rem; }
legend + * { clear: both; }
.why { margin: .5rem 0 .8rem; color: var(--muted); font-size: .93rem; }
.options { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 .8rem; }
.options label { position: relative; flex: 1 1 7rem; }
.options.scale label { flex: 1 1 3rem; }
.options input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.options span { display: block; text-align: center; padding: .55rem .4rem; border: 2px solid var(--line); white-space: nowrap;
                border-radius: 10px; background: #fafafa; cursor: pointer; font-weight: 500; }
.options span b { font-weight: 700; margin-right: .3rem; }
.options input:focus-visible + span { outline: 3px solid var(--accent); outline-offset: 2px; }
.options input:checked + span { border-color: #1d1d1f; font-weight: 700; }
.options input[value=green]:checked + span { background: #b9e4c0; color: #0d4a1a; }
.options input[value=amber]:checked + span { background: #ffe1a6; color: #5c3d00; }
.options input[value=red]:checked + span { background: #f7b5b5; color: #6b0d0d; }
.options input[value=na]:checked + span, .options.scale input:checked + span { background: #dfe7f3; color: #10284a; }
.ends { display: flex; justify-content: space-between; gap: 1rem; margin: -.4rem 0 .8rem; color: var(--muted);
        font-size: .85rem; }
.ends span:last-child { text-align: right; }
.comment-label, .name-label { display: block; font-size: .9rem; color: var(--muted); margin-bottom: .2rem; }
textarea, input[type=text] { width: 100%; font: inherit; padding: .5rem .6rem; border: 1px solid var(--line);
                            border-radius: 8px; background: #fff; }
textarea:focus, input[type=text]:focus { outline: 3px solid var(--accent); outline-offset: 1px; }
.name { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.1rem; }
.progress { color: var(--muted); margin: 1rem 0 .5rem; }
.problem { color: #8a0000; font-weight: 600; }
button, a.button { display: inline-block; font: inherit; font-weight: 600; padding: .75rem 1.4rem; border-radius: 10px;
                   border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer;
                   text-decoration: none; }
button.secondary, a.button.secondary { background: #fff; color: var(--accent); }
button:focus-visible, a.button:focus-visible { outline: 3px solid #f0a800; outline-offset: 2px; }
#kc-result { margin: 1.5rem 0; background: #fff; border: 2px solid var(--accent); border-radius: 12px; padding: 1rem 1.1rem; }
#kc-result h2 { margin: 0 0 .4rem; font-size: 1.3rem; }
#kc-result h2:focus { outline: none; }
#kc-block { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: pre; overflow-x: auto;
            background: #f7f7f9; }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; }
#kc-summary { padding-left: 1.2rem; }
.noscript { border: 2px solid #8a0000; border-radius: 12px; background: #fff; padding: 1rem; }
footer { color: var(--muted); font-size: .8rem; padding-bottom: 2rem; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 30rem) {
  header { padding-top: 1.2rem; }
  header, main, footer { padding: 0 .8rem; }
  h1 { font-size: 1.4rem; }
  fieldset { padding: .8rem .8rem .9rem; }
  .options label { flex: 1 1 40%; }
  .options.scale label { flex: 1 1 15%; }
  button, a.button { width: 100%; text-align: center; }
}
"""

# The page's script. It reads its data from the JSON block #kc-data (the invitation's id,
# secret and items, and its texts in the page's language) and makes the block exactly as
# core/mirror.py reads it: markers, "Invitation: <id>", the payload's base64url in lines of
# BLOCK_LINE, "MAC: <hex>". No network, no storage, no cookies.
_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kc-data").textContent);
  var texts = data.texts;
  var form = document.getElementById("kc-form");
  var progress = document.getElementById("kc-progress");
  var result = document.getElementById("kc-result");
  var blockField = document.getElementById("kc-block");
  var save = document.getElementById("kc-save");
  var copied = document.getElementById("kc-copied");

  var K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];

  function ror(x, n) { return (x >>> n) | (x << (32 - n)); }

  // SHA-256 (FIPS 180-4), for a browser without Web Crypto here.
  function sha256(bytes) {
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var length = bytes.length, size = ((length + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(size);
    m.set(bytes);
    m[length] = 0x80;
    var view = new DataView(m.buffer);
    view.setUint32(size - 4, (length * 8) >>> 0);
    view.setUint32(size - 8, Math.floor(length / 0x20000000));
    var w = new Array(64);
    for (var o = 0; o < size; o += 64) {
      var t;
      for (t = 0; t < 16; t++) { w[t] = view.getUint32(o + 4 * t); }
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        w[t] = (w[t - 16] + (ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) + w[t - 7] + (ror(y, 17) ^ ror(y, 19) ^ (y >>> 10))) | 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        var t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    var out = new Uint8Array(32), outView = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) { outView.setUint32(4 * i, H[i] >>> 0); }
    return out;
  }

  function hmacOwn(key, message) {
    if (key.length > 64) { key = sha256(key); }
    var inner = new Uint8Array(64 + message.length), outer = new Uint8Array(64 + 32);
    for (var i = 0; i < 64; i++) {
      var k = i < key.length ? key[i] : 0;
      inner[i] = k ^ 0x36;
      outer[i] = k ^ 0x5c;
    }
    inner.set(message, 64);
    outer.set(sha256(inner), 64);
    return sha256(outer);
  }

  function hmac(key, message) {
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle) { return Promise.resolve(hmacOwn(key, message)); }
    return subtle.importKey("raw", key, {name: "HMAC", hash: "SHA-256"}, false, ["sign"])
      .then(function (k) { return subtle.sign("HMAC", k, message); })
      .then(function (mac) { return new Uint8Array(mac); }, function () { return hmacOwn(key, message); });
  }

  function utf8(text) { return new TextEncoder().encode(text); }
  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += ("0" + bytes[i].toString(16)).slice(-2); }
    return s;
  }
  function fromHex(text) {
    var bytes = new Uint8Array(text.length / 2);
    for (var i = 0; i < bytes.length; i++) { bytes[i] = parseInt(text.substr(2 * i, 2), 16); }
    return bytes;
  }
  function base64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }

  // For the tests: the page's own HMAC, whatever the browser offers.
  window.kundencheckMirror = {hmacOwn: function (keyHex, text) { return hex(hmacOwn(fromHex(keyHex), utf8(text))); }};

  function choice(item) { return form.querySelector("input[name='q-" + item.id + "']:checked"); }
  function comment(item) { return document.getElementById("c-" + item.id).value.trim(); }

  function count() {
    var answered = 0;
    data.items.forEach(function (item) { if (choice(item)) { answered += 1; } });
    return answered;
  }
  function showProgress() {
    progress.textContent = texts.progress.replace("{n}", count()).replace("{total}", data.items.length);
    progress.classList.remove("problem");
  }
  form.addEventListener("change", showProgress);

  function problem(text, focus) {
    // The focus first: leaving a changed comment fires its change event, which shows the count.
    if (focus) { focus.focus(); }
    progress.textContent = text;
    progress.classList.add("problem");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = [], summary = [];
    for (var n = 0; n < data.items.length; n++) {
      var item = data.items[n], picked = choice(item), note = comment(item);
      if (!picked) {
        if (note) {
          problem(texts.comment_without_answer.replace("{n}", n + 1),
                  form.querySelector("input[name='q-" + item.id + "']"));
          return;
        }
        continue;
      }
      var value = item.kind === "scale" ? parseInt(picked.value, 10) : picked.value;
      answers.push([item.id, value, note]);
      summary.push({n: n + 1, answer: picked.getAttribute("data-words"), note: note});
    }
    if (!answers.length) {
      problem(texts.nothing_answered, form.querySelector("input[type=radio]"));
      return;
    }
    var name = document.getElementById("kc-name").value.trim();
    var payload = JSON.stringify({v: data.version, id: data.id, t: new Date().toISOString(), n: name, a: answers});
    var bytes = utf8(payload);
    hmac(fromHex(data.secret), concat(utf8(data.context), bytes)).then(function (mac) {
      var encoded = base64url(bytes), lines = [data.begin, "Invitation: " + data.id];
      for (var i = 0; i < encoded.length; i += data.line) { lines.push(encoded.slice(i, i + data.line)); }
      lines.push("MAC: " + hex(mac), data.end);
      var block = lines.join("\n") + "\n";
      blockField.value = block;
      blockField.rows = lines.length;
      save.href = "data:text/plain;charset=utf-8," + encodeURIComponent(block);
      var list = document.getElementById("kc-summary");
      list.textContent = "";
      summary.forEach(function (entry) {
        var li = document.createElement("li");
        li.textContent = texts.summary_line.replace("{n}", entry.n).replace("{answer}", entry.answer)
          + (entry.note ? ": " + entry.note : "");
        list.appendChild(li);
      });
      copied.textContent = "";
      result.hidden = false;
      showProgress();
      document.getElementById("kc-result-title").focus();
    });
  });

  blockField.addEventListener("focus", function () { blockField.select(); });
  document.getElementById("kc-copy").addEventListener("click", function () {
    function done() { copied.textContent = texts.copied; }
    function byHand() {
      blockField.focus();
      blockField.select();
      try { document.execCommand("copy"); done(); } catch (e) { copied.textContent = texts.copy_by_hand; }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(blockField.value).then(done, byHand);
    } else {
      byHand();
    }
  });
  showProgress();
  document.getElementById("kc-script-ok").hidden = false;
}());
"""


def _h(text: Any) -> str:
    return html.escape(str(text))  # quotes too: every attribute value is in double quotes


def _hash(text: str) -> str:
    """A CSP source for the inline ``text`` (of a script or style element): its SHA-256."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")  # pragma: no mutate (codec names)
    return f"'sha256-{digest}'"


def _json_for_script(data: dict[str, Any]) -> str:
    """``data`` as JSON that cannot end the script element it is in."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # pragma: no mutate (ensure_ascii=None is False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _words(value: str) -> str:
    return {"green": _("Yes"), "amber": _("Partly"), "red": _("No"), "na": _("Does not apply")}[value]


def invitation_page(invitation: Invitation, checklist: Checklist, *, project: str, agency: str, client: str) -> str:
    """The page of ``invitation`` in the current language (the CLI chooses the invitation's):
    the client questions of ``checklist`` for the invitation's items, the names, the script."""
    asked = set(invitation.items)
    questions = [q for q in client_questions(checklist) if q.item in asked]
    project, agency, client = one_line(project, 120), one_line(agency, 120), one_line(client, 120)
    title = _("Your view of our work together")
    # No _() inside f-strings: Babel could not extract the texts from there.
    why_label, comment_label = _("Why we ask:"), _("Comment (optional)")
    items = []
    total = len(questions)
    for n, question in enumerate(questions, start=1):
        name = f"q-{question.item}"
        counter = _("Question {n} of {total}").format(n=n, total=total)
        legend = f'<legend><span class="n">{_h(counter)}</span>{_h(question.question)}</legend>'
        why = f'<p class="why"><strong>{_h(why_label)}</strong> {_h(question.why)}</p>'
        if question.kind is Kind.SCALE:
            options = "".join(
                f'<label><input type="radio" name="{name}" value="{v}" data-words="{v}/5"><span>{v}</span></label>'
                for v in range(1, 6)
            )
            body = (
                f'<div class="options scale">{options}</div>'
                f'<p class="ends" aria-hidden="true"><span>1 = {_h(question.low)}</span>'
                f"<span>5 = {_h(question.high)}</span></p>"
            )
            scale_hint = _("1 means {low}, 5 means {high}.").format(low=question.low, high=question.high)
            legend = legend.replace("</legend>", f' <span class="sr">{_h(scale_hint)}</span></legend>')
        else:
            body = (
                '<div class="options">'
                + "".join(
                    f'<label><input type="radio" name="{name}" value="{value}" data-words="{_h(symbol + " " + _words(value))}">'
                    f'<span><b aria-hidden="true">{symbol}</b>{_h(_words(value))}</span></label>'
                    for value, symbol in _LIGHTS
                )
                + "</div>"
            )
        comment = (
            f'<label class="comment-label" for="c-{question.item}">{_h(comment_label)}</label>'
            f'<textarea id="c-{question.item}" rows="2" maxlength="{COMMENT_LIMIT}"></textarea>'
        )
        items.append(f'<li><fieldset id="f-{question.item}">{legend}{why}{body}{comment}</fieldset></li>')
    context = MAC_CONTEXT.decode("ascii")  # pragma: no mutate ("ASCII" is the same codec)
    data = {
        "version": PAYLOAD_VERSION,
        "id": invitation.id,
        "secret": invitation.secret,
        "context": context,
        "begin": BLOCK_BEGIN,
        "end": BLOCK_END,
        "line": BLOCK_LINE,
        "items": [{"id": q.item, "kind": q.kind.value} for q in questions],
        "texts": {
            # The page fills in n as the client answers; the total is fixed, so it chooses the form here.
            "progress": ngettext("{n} of {total} question answered.", "{n} of {total} questions answered.", len(questions)),
            "nothing_answered": _("You have not answered any question yet. Choose an answer for at least one."),
            "comment_without_answer": _("Question {n} has a comment but no answer: choose an answer, or clear the comment."),
            "summary_line": _("Question {n}: {answer}"),
            "copied": _("Copied. Paste it into your reply mail."),
            "copy_by_hand": _("Your browser did not let the page copy it: select the block and copy it yourself."),
        },
    }
    about = " · ".join(part for part in (project, client) if part)
    if agency:
        intro = _(
            "{agency} would like to know how you see the project {project}. There are no right or wrong answers: "
            "we ask because we want to notice early where your view differs from ours."
        ).format(agency=agency, project=project)
    else:
        intro = _(
            "We would like to know how you see the project {project}. There are no right or wrong answers: we "
            "ask because we want to notice early where your view differs from ours."
        ).format(project=project)
    privacy = _(
        "This page sends nothing anywhere. When you have answered, it makes a short block of text for you to "
        "send back in your reply mail; it holds only your answers, your comments and your name if you give it. "
        "Answer only what you want to; every question may be left out."
    )
    greeting = _("For {name}").format(name=invitation.to) if invitation.to else ""
    footer = _("Questions sent on {day}. Reference: {id}. Made with kundencheck.").format(
        day=invitation.created.date().isoformat(), id=invitation.id
    )
    name_label, make, thanks = _("Your name (optional)"), _("Create my answer"), _("Thank you! Now send us your answer")
    block_label, copy, save, sending = (
        _("Your answer, to copy:"),
        _("Copy the block"),
        _("Save it as a file"),
        _("What you are sending"),
    )
    script = _JS
    style = _CSS
    policy = f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; form-action 'none'; base-uri 'none'"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(checklist.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_h(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_h(title)}{' · ' + _h(agency) if agency else ''}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<p class="from">{_h(agency)}</p>' if agency else "",
        f"<h1>{_h(title)}</h1>",
        f'<p class="about">{_h(about)}</p>' if about else "",
        f'<p class="about">{_h(greeting)}</p>' if greeting else "",
        "</header>",
        "<main>",
        f'<p class="intro">{_h(intro)}</p>',
        f'<p class="privacy">{_h(privacy)}</p>',
        '<noscript><p class="noscript">'
        + _h(
            _(
                "This page needs JavaScript to make your answer. If your mail program opened it without, save the file and "
                "open it in a web browser (Firefox, Chrome, Edge or Safari), or simply answer our questions in a reply "
                "mail."
            )
        )
        + "</p></noscript>",
        '<form id="kc-form" novalidate>',
        '<ol class="questions">',
        *items,
        "</ol>",
        '<div class="name">',
        f'<label class="name-label" for="kc-name">{_h(name_label)}</label>',
        f'<input type="text" id="kc-name" maxlength="{NAME_LIMIT}" autocomplete="name" value="{_h(invitation.to)}">',
        "</div>",
        '<p class="progress" id="kc-progress" aria-live="polite"></p>',
        f'<p id="kc-script-ok" hidden><button type="submit" id="kc-make">{_h(make)}</button></p>',
        "</form>",
        '<section id="kc-result" hidden aria-labelledby="kc-result-title">',
        f'<h2 id="kc-result-title" tabindex="-1">{_h(thanks)}</h2>',
        "<p>"
        + _h(
            _(
                "Copy the block below into your reply to our mail, or attach it as a file. It holds your answers "
                "and a check code that tells us it arrived unchanged. Changed your mind? Change your answers and "
                "press the button again, then send the new block."
            )
        )
        + "</p>",
        f'<label class="comment-label" for="kc-block">{_h(block_label)}</label>',
        '<textarea id="kc-block" readonly spellcheck="false" rows="8"></textarea>',
        '<div class="actions">',
        f'<button type="button" id="kc-copy">{_h(copy)}</button>',
        f'<a class="button secondary" id="kc-save" download="kundencheck-{_h(invitation.id)}.txt" href="#">{_h(save)}</a>',
        "</div>",
        '<p id="kc-copied" aria-live="polite"></p>',
        f"<h3>{_h(sending)}</h3>",
        '<ul id="kc-summary"></ul>',
        "</section>",
        "</main>",
        f"<footer><p>{_h(footer)}</p></footer>",
        f'<script type="application/json" id="kc-data">{_json_for_script(data)}</script>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(line for line in out if line) + "\n"
