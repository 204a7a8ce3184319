"""File-level helpers of ``xmodal upsample`` (xmodal.apis.files): pairing by stem, outputs."""

from __future__ import annotations

import pytest

from xmodal.apis.files import check_out_dir, output_paths, pair_inputs, pair_key_tag


def _touch(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return folder


@pytest.mark.parametrize(("stems", "tag"), [
    (["0001_RGB", "0002_RGB"], "_RGB"), (["a1_RGB", "b1_RGB"], "_RGB"), (["11", "21"], ""),
    (["2020_LR_fill_depth"], ""), (["1_LR_fill_depth", "2_LR_fill_depth"], "_LR_fill_depth"),
    (["a", "b"], ""), (["x-depth", "y-depth"], "-depth"),
])
def test_pair_key_tag(stems, tag):
    assert pair_key_tag(stems) == tag


def test_folders_pair_by_stem_after_their_tags(tmp_path):
    rgb = _touch(tmp_path / "rgb", "2_RGB.jpg", "10_RGB.jpg", "1_RGB.jpg")
    depth = _touch(tmp_path / "d", "10_LR.png", "1_LR.png", "2_LR.png")
    gt = _touch(tmp_path / "gt", "1_HR_gt.png", "2_HR_gt.png", "10_HR_gt.png")
    pairs = pair_inputs(rgb, depth, gt)
    assert [(r.name, d.name, g.name) for r, d, g in pairs] == [
        ("1_RGB.jpg", "1_LR.png", "1_HR_gt.png"), ("10_RGB.jpg", "10_LR.png", "10_HR_gt.png"),
        ("2_RGB.jpg", "2_LR.png", "2_HR_gt.png")]


def test_stems_that_sort_alike_but_differ_are_refused(tmp_path):
    rgb = _touch(tmp_path / "rgb", "1.png", "2.png", "10.png")
    depth = _touch(tmp_path / "d", "01.png", "02.png", "10.png")
    with pytest.raises(ValueError, match=r"do not pair up by image id .*unpaired rgb: .*/1\.png, "
                                         r".*/2\.png; depth: .*/01\.png, .*/02\.png"):
        pair_inputs(rgb, depth)


def test_ambiguous_stems_are_listed(tmp_path):
    rgb = _touch(tmp_path / "rgb", "a.png", "b.png")
    depth = _touch(tmp_path / "d", "a.png", "a.npy", "b.png")
    with pytest.raises(ValueError, match=r"depth: several files .* same image id: .*/a\.npy, "
                                         r".*/a\.png"):
        pair_inputs(rgb, depth)


def test_single_files_and_mixtures(tmp_path):
    _touch(tmp_path, "x.png", "y.npy")
    assert pair_inputs(tmp_path / "x.png", tmp_path / "y.npy") == [
        (tmp_path / "x.png", tmp_path / "y.npy", None)]
    with pytest.raises(ValueError, match="all files or all folders"):
        pair_inputs(tmp_path / "x.png", tmp_path)
    with pytest.raises(ValueError, match="unsupported file type '.npy'"):
        pair_inputs(tmp_path / "y.npy", tmp_path / "y.npy")


def test_output_paths_and_out_dir(tmp_path):
    assert [p.name for p in output_paths("in/a.npy", tmp_path, "turbo", True)] == [
        "a_sr.npy", "a_sr_color.png", "a_lr_color.png", "a_error.png"]
    assert [p.name for p in output_paths("in/b.tif", tmp_path)] == ["b_sr.png"]
    check_out_dir(tmp_path / "new" / "deeper")  # created later: fine
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_out_dir(tmp_path / "f" / "sub")


def _frame(folder):
    """A 12x16 LR depth (mm, 16-bit PNG), its 48x64 guide and ground truth."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:48, 0:64].astype(np.float32)
    hr = (1000 + 8 * y + 5 * x).astype(np.uint16)
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(
        folder / "a_RGB.png")
    Image.fromarray(hr[2::4, 2::4].copy()).save(folder / "a_LR.png")
    Image.fromarray(hr).save(folder / "a_HR.png")
    return folder / "a_RGB.png", folder / "a_LR.png", folder / "a_HR.png"


def test_outputs_are_one_set_a_failed_member_replaces_none(tmp_path, monkeypatch):
    import errno

    from xmodal.apis import depth_io, files

    rgb, depth, gt = _frame(tmp_path / "in")
    out = tmp_path / "out"
    files.upsample_file(rgb, depth, out, gt_path=gt, model="bicubic")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = depth_io.atomic_write

    def disk_full_on_error_map(path, write):
        if path.name.endswith("_error.png"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, write)

    monkeypatch.setattr(depth_io, "atomic_write", disk_full_on_error_map)
    with pytest.raises(OSError, match=r"cannot write .*a_LR_error\.png: No space left"):
        files.upsample_file(rgb, depth, out, gt_path=gt, model="dada")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary either


def test_a_run_without_gt_removes_the_earlier_error_map(tmp_path):
    from xmodal.apis.files import upsample_file

    rgb, depth, gt = _frame(tmp_path / "in")
    out = tmp_path / "out"
    upsample_file(rgb, depth, out, gt_path=gt, model="bicubic")
    assert (out / "a_LR_error.png").is_file()
    (out / ".a_LR_sr.png.0123abcd.tmp").write_bytes(b"left by a killed run")
    upsample_file(rgb, depth, out, model="bicubic", colormap=None)
    assert sorted(p.name for p in out.iterdir()) == ["a_LR_sr.png"]


def test_unwritable_out_dir_is_refused_before_compute(tmp_path, monkeypatch):
    from xmodal.apis import files

    rgb, depth, _ = _frame(tmp_path / "in")
    (tmp_path / "ro").mkdir()
    monkeypatch.setattr(files.os, "access", lambda p, mode: False)  # root may write anywhere
    monkeypatch.setattr(files, "upsample", lambda *a, **k: pytest.fail("computed"))
    with pytest.raises(ValueError, match=r"out: .*ro is not writable"):
        files.upsample_file(rgb, depth, tmp_path / "ro" / "sub", model="bicubic")


def test_one_file_per_folder_keeps_its_whole_stem_as_the_id(tmp_path):
    rgb = _touch(tmp_path / "rgb", "scene_0001.jpg")
    depth = _touch(tmp_path / "lr", "scene_0007.png")
    with pytest.raises(ValueError, match=r"do not pair up.*scene_0001\.jpg.*scene_0007\.png"):
        pair_inputs(rgb, depth)
    assert pair_key_tag(["scene_0001"]) == ""


def test_appledouble_files_do_not_break_folder_pairing(tmp_path):
    rgb = _touch(tmp_path / "rgb", "1_RGB.jpg", "2_RGB.jpg", "._1_RGB.jpg")
    depth = _touch(tmp_path / "d", "1_LR.png", "2_LR.png", "._2_LR.png")
    assert [(r.name, d.name) for r, d, _ in pair_inputs(rgb, depth)] == [
        ("1_RGB.jpg", "1_LR.png"), ("2_RGB.jpg", "2_LR.png")]
