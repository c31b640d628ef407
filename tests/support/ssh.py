"""A real ssh server on this machine for the portfolio tests: OpenSSH's sshd, started as the
user running the tests on a free port, with a host key and a login key of its own, so git
fetches over ``ssh://`` exactly as from an agency's git host. Skipped where sshd is not
installed (Debian: ``apt-get install openssh-server``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SshServer:
    """sshd on a free port of 127.0.0.1, in ``folder``: its keys, config and log."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = _free_port()
        self.user = getpass.getuser()
        host_key, self.key = folder / "host_key", folder / "login_key"
        for key in (host_key, self.key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        (folder / "authorized_keys").write_text((folder / "login_key.pub").read_text())
        config = folder / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {folder / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {folder / 'authorized_keys'}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nPubkeyAuthentication yes\n"
            "AcceptEnv GIT_PROTOCOL\n"  # git protocol v2, as git hosts speak it
            f"SetEnv PATH={os.environ.get('PATH', '/usr/bin:/bin')}\n"
        )
        self.log = folder / "sshd.log"
        assert SSHD is not None  # the fixture skips without one
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=self.log.open("w")
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        pytest.skip(f"sshd did not start: {self.log.read_text()[-500:]}")

    @property
    def ssh_command(self) -> str:
        """What GIT_SSH_COMMAND is set to: this server's login key, its host key not checked."""
        return (
            f"ssh -i {self.key} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
            "-o BatchMode=yes -o LogLevel=ERROR"
        )

    def url(self, path: Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
