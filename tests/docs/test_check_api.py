"""The docstring rules of docs/check_api.py (CI fails on any gap they find)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest
from script_module import load_script

ROOT = Path(__file__).resolve().parents[2]
check_api = load_script(ROOT / "docs" / "check_api.py")


class _NoArgTransform:
    """Does something to ``results``.

    Returns:
        The same dict.
    """

    def __call__(self, results: dict) -> dict:
        return results


class _NoArgTransformUndocumented:
    """Does something to ``results``."""

    def __call__(self, results: dict) -> dict:
        return results


class _WithArgs:
    """Takes an argument but does not document it."""

    def __init__(self, size: int) -> None:
        self.size = size


class _PlainNoArgs:
    """Neither a constructor argument nor a call: nothing more to document."""


def test_argumentless_callable_class_needs_returns_not_args():
    assert check_api.docstring_gaps("datasets", "T", _NoArgTransform) == []
    gaps = check_api.docstring_gaps("datasets", "T", _NoArgTransformUndocumented)
    assert gaps == ["no Returns section (argument-less callable class)"]
    # object.__init__'s (*args, **kwargs) are not constructor arguments.
    assert check_api.docstring_gaps("datasets", "P", _PlainNoArgs) == []


def test_constructor_arguments_need_args():
    assert check_api.docstring_gaps("datasets", "W", _WithArgs) == ["no Args section"]


@pytest.mark.parametrize("pkg", ["datasets", "evaluation"])
def test_public_names_have_no_docstring_gap(pkg):
    module = importlib.import_module(f"xmodal.{pkg}")
    gaps = [(name, gap) for name in module.__all__
            for gap in check_api.docstring_gaps(pkg, name, getattr(module, name))]
    assert not gaps, gaps
    assert any(inspect.isclass(getattr(module, n)) for n in module.__all__)
