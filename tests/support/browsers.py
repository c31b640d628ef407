"""Headless browsers: two driven the way their makers offer, for the invitation page's tests,
and Chromium run once per page for the reports' tests (:func:`chromium`).

- **Chromium** (Debian's ``chromium``) through the Chrome DevTools Protocol: a websocket to the
  browser, one page target attached with its own session.
- **Firefox ESR** (Debian's ``firefox-esr``) through WebDriver BiDi, which Firefox speaks itself
  (``--remote-debugging-port``): a websocket at ``/session``.

Both give the same small interface: open a page at a width, press keys as a person does (trusted
key events, so Tab moves the focus and Space checks a radio button), type text, evaluate a
script, take a screenshot of the whole page, and list every request the page made. Requests are
recorded from before the page is opened, by the browser's own network events for that page.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

CHROMIUM = shutil.which("chromium")
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")

#: CDP's key events: key name -> (key, code, Windows virtual key code, text typed).
_CDP_KEYS = {
    "Tab": ("Tab", "Tab", 9, ""),
    "Space": (" ", "Space", 32, " "),
    "Enter": ("Enter", "Enter", 13, "\r"),
    "ArrowDown": ("ArrowDown", "ArrowDown", 40, ""),
    "ArrowRight": ("ArrowRight", "ArrowRight", 39, ""),
    "ArrowUp": ("ArrowUp", "ArrowUp", 38, ""),
}
#: WebDriver's key values (the specification's table of normalised keys).
_BIDI_KEYS = {
    "Tab": "\ue004",
    "Space": "\ue00d",
    "Enter": "\ue007",
    "ArrowDown": "\ue015",
    "ArrowRight": "\ue014",
    "ArrowUp": "\ue013",
}


class BrowserError(AssertionError):
    pass


class _Socket:
    """A JSON command/event channel over a websocket: ``call`` waits for its answer, keeping
    the events that arrive meanwhile for ``events``."""

    def __init__(self, url: str) -> None:
        # Held open across calls; closed by close() (the connection is a context manager).
        self._open = contextlib.ExitStack()
        self.ws = self._open.enter_context(connect(url, max_size=64 * 1024 * 1024, open_timeout=30, origin=None))
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 60, **extra: Any) -> Any:
        number = next(self.ids)
        self.ws.send(json.dumps({"id": number, "method": method, "params": params or {}, **extra}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == number:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']} {message.get('message', '')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for n, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(n)
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in message:
                self.events.append(message)

    def close(self) -> None:
        self._open.close()


class Chromium:
    name = "chromium"

    def __init__(self, profile: Path) -> None:
        if CHROMIUM is None:
            raise BrowserError("chromium is not on PATH")
        profile.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "LANG": "C.UTF-8"},
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise BrowserError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        self.socket = _Socket(f"ws://127.0.0.1:{port}{path}")
        targets = self.socket.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.socket.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        self.requests: list[str] = []
        self.page("Network.enable")
        self.page("Page.enable")

    def page(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.socket.call(method, params, sessionId=self.session)

    def _collect_requests(self) -> None:
        for event in list(self.socket.events):
            if event["method"] == "Network.requestWillBeSent" and event.get("sessionId") == self.session:
                self.requests.append(event["params"]["request"]["url"])
                self.socket.events.remove(event)

    def open(self, url: str, width: int, height: int = 900) -> None:
        self.page(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        self.page("Page.navigate", {"url": url})
        self.socket.wait_for("Page.loadEventFired")
        self._collect_requests()

    def evaluate(self, expression: str) -> Any:
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        self._collect_requests()
        return result["result"].get("value")

    def press(self, *keys: str) -> None:
        for key in keys:
            name, code, number, text = _CDP_KEYS[key]
            down = {
                "type": "keyDown" if text else "rawKeyDown",
                "key": name,
                "code": code,
                "windowsVirtualKeyCode": number,
                "nativeVirtualKeyCode": number,
            }
            if text:
                down["text"] = text
            self.page("Input.dispatchKeyEvent", down)
            self.page(
                "Input.dispatchKeyEvent",
                {"type": "keyUp", "key": name, "code": code, "windowsVirtualKeyCode": number, "nativeVirtualKeyCode": number},
            )
        self._collect_requests()

    def type(self, text: str) -> None:
        self.page("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> None:
        size = self.page("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.page(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        self._collect_requests()

    def close(self) -> None:
        if getattr(self, "socket", None) is not None:
            try:
                self.socket.call("Browser.close", timeout=10)
            except Exception:  # noqa: BLE001 (closing: the process is ended below anyway)
                pass
            self.socket.close()
        self.process.kill()
        self.process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Firefox:
    name = "firefox"

    def __init__(self, profile: Path) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        # Quiet: no update checks, reports or portal probes of its own while the page is tested.
        (profile / "user.js").write_text(
            "\n".join(
                f'user_pref("{key}", {json.dumps(value)});'
                for key, value in {
                    "app.update.disabledForTesting": True,
                    "browser.shell.checkDefaultBrowser": False,
                    "datareporting.policy.dataSubmissionEnabled": False,
                    "toolkit.telemetry.reportingpolicy.firstRun": False,
                    "network.captive-portal-service.enabled": False,
                    "network.connectivity-service.enabled": False,
                    "browser.safebrowsing.malware.enabled": False,
                    "browser.safebrowsing.phishing.enabled": False,
                    "browser.newtabpage.enabled": False,
                    "browser.startup.homepage_override.mstone": "ignore",
                    "extensions.getAddons.cache.enabled": False,
                    "layout.css.devPixelsPerPx": "1.0",
                }.items()
            )
            + "\n"
        )
        if FIREFOX is None:
            raise BrowserError("firefox-esr is not on PATH")
        port = _free_port()
        self.process = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", str(profile), f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "LANG": "C.UTF-8", "MOZ_CRASHREPORTER_DISABLE": "1"},
        )
        deadline = time.monotonic() + 90
        while True:
            line = self.process.stderr.readline().decode("utf-8", "replace")
            if "WebDriver BiDi listening" in line:
                break
            if time.monotonic() > deadline or (not line and self.process.poll() is not None):
                self.close()
                raise BrowserError("firefox did not start WebDriver BiDi")
        # Firefox keeps writing to stderr; a full pipe would stop it.
        self._drain = subprocess.Popen(["cat"], stdin=self.process.stderr, stdout=subprocess.DEVNULL)
        self.socket = _Socket(f"ws://127.0.0.1:{port}/session")
        self.socket.call("session.new", {"capabilities": {}})
        # The window Firefox starts with never gets the focus when headless, and without it Space
        # activates nothing; a window opened now has it.
        self.context = self.socket.call("browsingContext.create", {"type": "window"})["context"]
        self.socket.call("session.subscribe", {"events": ["network.beforeRequestSent"]})
        self.requests: list[str] = []

    def _collect_requests(self) -> None:
        for event in list(self.socket.events):
            if event["method"] == "network.beforeRequestSent":
                if event["params"].get("context") == self.context:
                    self.requests.append(event["params"]["request"]["url"])
                self.socket.events.remove(event)

    def open(self, url: str, width: int, height: int = 900) -> None:
        self.socket.call("browsingContext.setViewport", {"context": self.context, "viewport": {"width": width, "height": height}})
        self.socket.call("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})
        self._collect_requests()

    def evaluate(self, expression: str) -> Any:
        result = self.socket.call(
            "script.evaluate",
            {
                "expression": f"Promise.resolve({expression}).then(function (v) {{ return JSON.stringify(v); }})",
                "target": {"context": self.context},
                "awaitPromise": True,
                "resultOwnership": "none",
            },
        )
        self._collect_requests()
        if result.get("type") == "exception":
            raise BrowserError(f"{expression}: {result['exceptionDetails']['text']}")
        value = result["result"].get("value")
        return json.loads(value) if isinstance(value, str) else None

    def press(self, *keys: str) -> None:
        actions = []
        for key in keys:
            actions += [{"type": "keyDown", "value": _BIDI_KEYS[key]}, {"type": "keyUp", "value": _BIDI_KEYS[key]}]
        self.socket.call(
            "input.performActions", {"context": self.context, "actions": [{"type": "key", "id": "keyboard", "actions": actions}]}
        )
        self._collect_requests()

    def type(self, text: str) -> None:
        actions = []
        for char in text:
            actions += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        self.socket.call(
            "input.performActions", {"context": self.context, "actions": [{"type": "key", "id": "keyboard", "actions": actions}]}
        )

    def screenshot(self, path: Path) -> None:
        shot = self.socket.call("browsingContext.captureScreenshot", {"context": self.context, "origin": "document"})
        path.write_bytes(base64.b64decode(shot["data"]))
        self._collect_requests()

    def close(self) -> None:
        if getattr(self, "socket", None) is not None:
            try:
                self.socket.call("browser.close", timeout=10)
            except Exception:  # noqa: BLE001 (closing: the process is ended below anyway)
                pass
            self.socket.close()
        self.process.kill()
        self.process.wait(timeout=30)
        if getattr(self, "_drain", None) is not None:
            self._drain.wait(timeout=30)


# ------------------------------------------------------------------ Chromium without a protocol

#: Skips a test where there is no Chromium to open a page in.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason=(
        "`chromium` is not on PATH: install Debian's chromium package (`apt-get install -y chromium`) "
        "to open the HTML report in a browser"
    ),
)


def chromium(*args: str, profile: Path) -> str:
    """Run headless Chromium with ``args`` and a profile of its own in ``profile`` (no network of
    its own, no first-run work); what it printed (``--dump-dom``: the page as rendered)."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=90, env={**os.environ, "LANG": "C.UTF-8"}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
