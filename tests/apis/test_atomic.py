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


def test_a_set_is_renamed_only_when_every_member_is_complete(tmp_path):
    from xmodal.apis.atomic import atomic_outputs

    a, b, old = tmp_path / "a.png", tmp_path / "b.json", tmp_path / "old_error.png"
    for p in (a, b, old):
        p.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"), atomic_outputs([a, b], remove=[old]) as out:
        out.write(a, lambda fh: fh.write(b"new a"))
        raise RuntimeError("boom")
    assert [p.read_bytes() for p in (a, b, old)] == [b"old"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.json", "old_error.png"]
    with atomic_outputs([a, b], remove=[old]) as out:
        out.write(a, lambda fh: fh.write(b"new a"))
        atomic_write(b, lambda fh: fh.write(b"new b"))  # joins the set
        assert b.read_bytes() == b"old"  # nothing renamed before the end of the block
    assert (a.read_bytes(), b.read_bytes(), old.exists()) == (b"new a", b"new b", False)


def test_a_member_left_unwritten_fails_the_set(tmp_path):
    from xmodal.apis.atomic import atomic_outputs

    a, b = tmp_path / "a", tmp_path / "b"
    with pytest.raises(OSError, match=r"cannot write .*b: nothing was written"):
        with atomic_outputs([a, b]) as out:
            out.write(a, lambda fh: fh.write(b"x"))
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path):
    stale = tmp_path / ".out.png.0123abcd.tmp"
    other = tmp_path / ".other.png.0123abcd.tmp"
    stale.write_bytes(b"half")
    other.write_bytes(b"someone else's")
    atomic_write(tmp_path / "out.png", lambda fh: fh.write(b"x"))
    assert not stale.exists() and other.exists()
