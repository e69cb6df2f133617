"""Fixtures of the analysis tests."""

from __future__ import annotations

import pytest

from analysis.parameters import ParameterSet, load_parameters


@pytest.fixture(scope="session")
def params() -> ParameterSet:
    """The project's parameter file, loaded once."""
    return load_parameters()
