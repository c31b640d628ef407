"""Write a file so that readers see either the old content or the new one, never a torn mix.

Used for the answers file in the work tree and, later, for drafts: a crash or a full disk in
the middle of a write must not leave half a file behind where the user's answers used to be.
"""

from __future__ import annotations

import os
import pathlib
import tempfile

__all__ = ["atomic_write"]


def atomic_write(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None, sync: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically; create missing parent folders.

    Steps: temporary file in the same folder (``os.replace`` is only atomic within one file
    system), write, flush, fsync, ``os.replace``, fsync the folder (so the rename itself is on
    disk). ``mode`` defaults to the existing file's mode, else 0o666 minus the umask, as a
    plain ``open()`` would give. ``sync`` False leaves out both fsyncs, for a file that is a
    copy of data kept safely elsewhere (the work-tree copy of a committed blob: `git checkout`
    does not fsync either). On error the temporary file is removed and the old file, if any,
    is untouched; the ``OSError`` propagates.
    """
    target = pathlib.Path(path)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)  # mkstemp creates 0600
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    if sync:
        _fsync_dir(folder)


def _fsync_dir(folder: pathlib.Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS journals renames anyway
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _umask() -> int:
    # Reading the umask via os.umask() briefly changes it for every thread; Linux shows it
    # read-only in /proc, so use that where it exists.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
