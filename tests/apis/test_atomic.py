"""Atomic writes (xmodal.apis.atomic): a failed write leaves the old file and no temporary."""

from __future__ import annotations

import errno

import pytest

from xmodal.apis.atomic import atomic_write


def test_replaces_whole_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    atomic_write(path, lambda fh: fh.write(b"new content"))
    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_failed_write_keeps_the_old_file_and_names_it(tmp_path):
    path = tmp_path / "out.png"
    path.write_bytes(b"old")

    def disk_full(fh):
        fh.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match=r"cannot write .*out\.png: No space left on device"):
        atomic_write(path, disk_full)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary left


def test_missing_folder_names_the_file(tmp_path):
    with pytest.raises(OSError, match=r"cannot write .*nope.*x\.png"):
        atomic_write(tmp_path / "nope" / "x.png", lambda fh: fh.write(b"x"))
