"""atomic_write: whole file or old file, never a torn one; no temporary files left behind."""

from __future__ import annotations

import os

import pytest

from kundencheck.store.atomic import atomic_write


def test_creates_parents_and_writes(tmp_path):
    target = tmp_path / "a" / "b" / "c.toml"
    atomic_write(target, b"x = 1\n")
    assert target.read_bytes() == b"x = 1\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(target.parent) == ["c.toml"]


def test_replaces_and_keeps_the_mode(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    target = folder / "draft.toml"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o600
    atomic_write(target, b"newer\n", mode=0o640)
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir(folder)) == ["draft.toml"]


def test_failure_leaves_old_state_and_no_temporary_file(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "is-a-folder"
    target.mkdir()
    (target / "keep").write_bytes(b"keep")
    with pytest.raises(IsADirectoryError):
        atomic_write(target, b"data")
    assert (target / "keep").read_bytes() == b"keep"
    assert sorted(os.listdir(folder)) == ["is-a-folder"]
