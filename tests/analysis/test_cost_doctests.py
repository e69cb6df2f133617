"""The formulas' doctests in the analysis modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "analysis.rates",
    "analysis.vocab",
    "analysis.formatting",
    "analysis.reference",
    "analysis.reading",
    "analysis.sensitivity",
    "analysis.vectorised",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_package_imports_nothing_heavy():
    import subprocess
    import sys

    code = "import analysis, sys; print(any(m in sys.modules for m in ('streamlit', 'sqlmodel')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
