"""YAML reading for sheets and parameters: decimals stay exact.

PyYAML turns ``0.6`` into a binary float; money and shares must stay exact, so this
loader builds :class:`decimal.Decimal` from the literal text instead.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = ["YamlSyntaxError", "load_yaml", "parse_yaml"]


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``where`` is ``line L, column C``."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals built from the source text."""


def _decimal_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        raise yaml.constructor.ConstructorError(
            None, None, f"non-finite number {text!r} not allowed", node.start_mark
        )
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with exact decimals, raising :class:`YamlSyntaxError` on bad syntax."""
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(where, f"malformed YAML: {problem}") from exc


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file with exact decimals."""
    return parse_yaml(Path(path).read_text(encoding="utf-8"))
