"""Sub-folder lookup and pairing by image id (xmodal.datasets.pairing)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xmodal.datasets.pairing import find_subdir, image_id, list_by_id, match_ids


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")


def test_find_subdir_any_case(tmp_path):
    (tmp_path / "RGB").mkdir()
    (tmp_path / "Depth").mkdir()
    assert find_subdir(tmp_path, "rgb", "T") == tmp_path / "RGB"
    assert find_subdir(tmp_path, ("depth_hr", "depth"), "T") == tmp_path / "Depth"
    with pytest.raises(FileNotFoundError, match=r"no folder 'lr'.*holds \['Depth', 'RGB'\]"):
        find_subdir(tmp_path, "lr", "T", layout="<root>/LR")


def test_find_subdir_refuses_case_twins(tmp_path):
    (tmp_path / "X").mkdir()
    if (tmp_path / "x").exists():
        pytest.skip("case-insensitive file system")
    (tmp_path / "x").mkdir()
    with pytest.raises(ValueError, match="up to case"):
        find_subdir(tmp_path, "x", "T")


def test_image_id_longest_suffix_and_misspelling():
    guide = ("_output_color.png", "_ouput_color.png", "_color.png")
    assert image_id("Middlebury_07_output_color.png", guide) == "Middlebury_07"
    assert image_id("RGBD_01_ouput_color.png", guide) == "RGBD_01"
    assert image_id("toy_color.PNG", guide) == "toy"
    assert image_id("RGBD_01_output_depth.png", guide) is None
    assert image_id("_color.png", guide) is None  # nothing left


def test_list_by_id_and_clashes(tmp_path):
    _touch(tmp_path, "b.png", "a.png", "notes.txt")
    assert list(list_by_id(tmp_path, (".png",), "T")) == ["a", "b"]
    _touch(tmp_path, "a.PNG")
    if len(list(tmp_path.iterdir())) == 4:
        with pytest.raises(ValueError, match="same image id.*a.PNG"):
            list_by_id(tmp_path, (".png",), "T")
    with pytest.raises(FileNotFoundError, match=r"no file ending with \['.jpg'\]"):
        list_by_id(tmp_path, (".jpg",), "T")


def test_match_ids_lists_every_unpaired_file():
    guides = {k: Path(f"rgb/{k}_RGB.jpg") for k in ("1", "2", "3")}
    depths = {k: Path(f"depth/{k}_HR_gt.png") for k in ("1", "3", "4")}
    paired = {"1": depths["1"], "2": Path("depth/2_HR_gt.png"), "3": depths["3"]}
    assert match_ids({"guide": guides, "depth": paired}, "T", "root") == ["1", "2", "3"]
    with pytest.raises(ValueError) as err:
        match_ids({"guide": guides, "depth": depths}, "T", "root")
    msg = str(err.value)
    assert "do not pair up" in msg and "rgb/2_RGB.jpg" in msg and "depth/4_HR_gt.png" in msg
    assert "rgb/1_RGB.jpg" not in msg


@given(ids=st.sets(st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True), min_size=1, max_size=8),
       drop=st.sets(st.integers(0, 7), max_size=3))
def test_match_ids_property(ids, drop):
    """Equal id sets pair up in sorted order; otherwise every file without a partner is named."""
    ids = sorted(ids)
    guides = {k: Path(f"rgb/{k}_RGB.jpg") for k in ids}
    kept = [k for i, k in enumerate(ids) if i not in drop]
    depths = {k: Path(f"depth/{k}_HR_gt.png") for k in kept}
    if len(kept) == len(ids):
        assert match_ids({"guide": guides, "depth": depths}, "T", "root") == ids
        return
    with pytest.raises(ValueError) as err:
        match_ids({"guide": guides, "depth": depths}, "T", "root")
    for k in ids:
        assert (f"rgb/{k}_RGB.jpg," in str(err.value) + ",") == (k not in kept)


def test_appledouble_files_are_ignored(tmp_path):
    for name in ("a_color.png", "._a_color.png", "b_color.png", "._b_color.png"):
        (tmp_path / name).write_bytes(b"")
    assert list(list_by_id(tmp_path, ("_color.png",), "t")) == ["a", "b"]
