"""Bounded YAML reading for sheets, parameters and catalogue files.

Two loaders share one set of bounds, checked before any Python object is built:

- the text is at most :data:`MAX_YAML_BYTES` long;
- nesting is at most :data:`MAX_YAML_DEPTH` deep (PyYAML's composer recurses, so a
  document thousands of levels deep would otherwise end in RecursionError);
- aliases may add at most :data:`MAX_YAML_ALIAS_NODES` nodes to the document as it
  would be expanded (a 555-byte "billion laughs" expands to hundreds of millions);
- dates must exist (``2026-02-31`` is a problem at its line, not a ValueError);
- integer literals have at most :data:`MAX_YAML_INT_DIGITS` digits.

:func:`parse_yaml` builds :class:`decimal.Decimal` from the literal text of floats,
because money and shares must stay exact (the cost model); :func:`parse_plain_yaml`
keeps PyYAML's floats (the catalogue's own format). Both raise :class:`YamlSyntaxError`
with the line and column of the problem. The catalogue imports these from here
(``catalogue.sources.limits``): ``analysis`` never imports ``catalogue``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_YAML_ALIAS_NODES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_INT_DIGITS",
    "YamlSyntaxError",
    "compose_yaml",
    "load_plain_yaml",
    "load_yaml",
    "parse_plain_yaml",
    "parse_yaml",
]

MAX_YAML_BYTES = 64 * 1024 * 1024  # characters of one YAML text
MAX_YAML_DEPTH = 64  # nested mappings / sequences
MAX_YAML_ALIAS_NODES = 100_000  # nodes that aliases may add when expanded
MAX_YAML_INT_DIGITS = 30  # far beyond any 64-bit count, far below Python's 4.300


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``where`` is ``line L, column C``."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def _refuse(node: yaml.Node, message: str) -> None:
    raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader with bounded depth, bounded alias expansion, real dates, short ints."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self):  # noqa: D102 - PyYAML's hook
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph whose expansion (aliases copied out) is too large.

    Sizes are memoised per node, so the check costs the graph, not its expansion.
    """
    size: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[id(node)] = 1
            distinct += 1
            continue
        children = (
            [c for pair in node.value for c in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        size[id(node)] = 1 + sum(size.get(id(c), 1) for c in children)
        distinct += 1
        if size[id(node)] - distinct > MAX_YAML_ALIAS_NODES:
            _refuse(node, f"aliases expand to more than {MAX_YAML_ALIAS_NODES} extra nodes")


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        _refuse(node, f"impossible date {node.value!r}: {exc}")


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    digits = sum(ch.isalnum() for ch in node.value)  # hex and octal digits too
    if digits > MAX_YAML_INT_DIGITS:
        _refuse(node, f"integer of {digits} digits (at most {MAX_YAML_INT_DIGITS})")
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _int)


class _DecimalLoader(_BoundedLoader):
    """Bounded loader whose floats are Decimals built from the source text."""


def _decimal_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        _refuse(node, f"non-finite number {text!r} not allowed")
    if len(text) > MAX_YAML_INT_DIGITS + 10:
        _refuse(node, f"number of {len(text)} characters is too long")
    value = Decimal(text)
    if abs(value.adjusted()) > MAX_YAML_INT_DIGITS:  # 1e999999999 would become a huge int
        _refuse(node, f"number {text!r} is out of range")
    return value


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"


def _load(text: str, loader: type[_BoundedLoader]) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise YamlSyntaxError("(document)", f"longer than {MAX_YAML_BYTES} characters")
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(_where(exc), f"malformed YAML: {problem}") from exc
    except (ValueError, OverflowError, ArithmeticError) as exc:  # a scalar PyYAML cannot build
        raise YamlSyntaxError("(document)", f"malformed YAML: {exc}") from exc


def parse_yaml(text: str) -> Any:
    """Parse YAML text with exact decimals, raising :class:`YamlSyntaxError` on bad syntax.

    >>> parse_yaml("share: 0.6")["share"]
    Decimal('0.6')
    """
    return _load(text, _DecimalLoader)


def parse_plain_yaml(text: str) -> Any:
    """Parse YAML text with the same bounds, floats as PyYAML builds them.

    >>> parse_plain_yaml("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    """
    return _load(text, _BoundedLoader)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node graph of YAML text (for line numbers), under the same bounds."""
    try:
        return yaml.compose(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(_where(exc), f"malformed YAML: {problem}") from exc


def _read(path: str | Path) -> str:
    path = Path(path)
    if path.stat().st_size > 4 * MAX_YAML_BYTES:  # UTF-8: at most 4 bytes a character
        raise YamlSyntaxError("(document)", f"longer than {MAX_YAML_BYTES} characters")
    return path.read_text(encoding="utf-8")


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file with exact decimals (a too large file is not read)."""
    return parse_yaml(_read(path))


def load_plain_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file with :func:`parse_plain_yaml`'s bounds and floats."""
    return parse_plain_yaml(_read(path))
