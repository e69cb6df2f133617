"""The doctests in the registry's modules run as tests (they document formulas and formats)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "catalogue").rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
)


def test_there_are_doctests_to_run():
    assert len(MODULES) >= 5


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
