"""Dated cost-model parameters read from YAML, each value with its source.

A parameter file (``data/parameters/cost.yaml``) looks like::

    name: vn-cpt
    parameters:
      working_hours_per_day:
        unit: giờ/ngày
        values:
          - {effective: 2021-01-01, value: 8, source: "Bộ luật Lao động 2019, Điều 105"}
      hourly_income.citizen:
        unit: đồng/giờ
        values:
          - effective: 2025-01-01
            formula: income_monthly.citizen / working_days_per_month / working_hours_per_day
            round: 0
            source: "..."

A value is either a number (``value``) or a ``formula`` over other parameters (read at
the same date), optionally rounded half-up to ``round`` decimals: how the hourly income
is derived is data, not code. A lookup at a date takes the latest value effective on or
before it. Every error names the file and the key.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError
from analysis.vocab import METHODS
from analysis.yamlio import YamlSyntaxError, load_yaml

__all__ = [
    "DEFAULT_PARAMETERS",
    "ParameterSet",
    "ParameterValue",
    "load_parameters",
]

log = logging.getLogger(__name__)

DEFAULT_PARAMETERS = Path(__file__).resolve().parents[1] / "data" / "parameters" / "cost.yaml"


@dataclass(frozen=True)
class ParameterValue:
    """One parameter value as looked up: the number, when it took effect, and its source."""

    key: str
    value: Decimal
    effective: date
    source: str
    method: str | None = None
    formula: str | None = None


@dataclass(frozen=True)
class _Entry:
    effective: date
    source: str
    value: Decimal | None
    formula: ast.Expression | None
    formula_text: str | None
    round: int | None
    method: str | None


@dataclass
class ParameterSet:
    """All parameters of one file; look values up with :meth:`get` at a date."""

    name: str
    file: str
    entries: dict[str, list[_Entry]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    # Looked-up values by (key, date): a set is read-only once loaded, and estimating a
    # whole catalogue asks for the same few values hundreds of thousands of times.
    _looked_up: dict[tuple[str, date], ParameterValue] = field(
        default_factory=dict, repr=False, compare=False
    )

    def keys(self) -> list[str]:
        """Every parameter key, sorted."""
        return sorted(self.entries)

    def label(self, on: date) -> str:
        """How a sheet records the parameter set it used: ``name@YYYY-MM-DD``."""
        return f"{self.name}@{on.isoformat()}"

    def get(self, key: str, on: date) -> ParameterValue:
        """The value of ``key`` in effect on ``on`` (latest effective on or before it)."""
        found = self._looked_up.get((key, on))
        if found is None:
            found = self._looked_up[(key, on)] = self._get(key, on, ())
        return found

    def value(self, key: str, on: date) -> Decimal:
        """Shortcut for ``get(key, on).value``."""
        return self.get(key, on).value

    def hourly_income(self, subject: str, on: date) -> ParameterValue:
        """Income per working hour (đồng) of a subject type (``citizen`` or ``enterprise``)."""
        return self.get(f"hourly_income.{subject}", on)

    def _get(self, key: str, on: date, stack: tuple[str, ...]) -> ParameterValue:
        if key not in self.entries:
            raise ParameterError(f"{self.file}: parameters.{key}: no such parameter")
        if key in stack:
            raise ParameterError(f"{self.file}: parameters.{key}: circular formula")
        candidates = [e for e in self.entries[key] if e.effective <= on]
        if not candidates:
            raise ParameterError(
                f"{self.file}: parameters.{key}: no value effective on or before {on.isoformat()}"
            )
        entry = max(candidates, key=lambda e: e.effective)
        if entry.formula is None:
            number = entry.value
        else:
            number = self._evaluate(key, entry, on, (*stack, key))
        assert number is not None
        if entry.round is not None:
            number = number.quantize(Decimal(1).scaleb(-entry.round), rounding=ROUND_HALF_UP)
        return ParameterValue(
            key, number, entry.effective, entry.source, entry.method, entry.formula_text
        )

    def _evaluate(self, key: str, entry: _Entry, on: date, stack: tuple[str, ...]) -> Decimal:
        def walk(node: ast.AST) -> Decimal:
            if isinstance(node, ast.Expression):
                return walk(node.body)
            if isinstance(node, ast.Constant):
                return Decimal(str(node.value))
            if isinstance(node, ast.Name | ast.Attribute):
                return self._get(ast.unparse(node), on, stack).value
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                return -walk(node.operand)
            assert isinstance(node, ast.BinOp)
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if right == 0:
                raise ParameterError(f"{self.file}: parameters.{key}: formula divides by zero")
            return left / right

        with localcontext() as ctx:
            ctx.prec = 40
            assert entry.formula is not None
            return walk(entry.formula)


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.USub,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.Load,
)


def _compile_formula(text: str, where: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ParameterError(f"{where}: formula is not an expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ParameterError(f"{where}: formula may use only names, numbers and + - * /")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise ParameterError(f"{where}: formula constant must be a number")
    return tree


def _formula_names(tree: ast.Expression) -> set[str]:
    """Dotted parameter names a formula reads (``a.b`` counts once, not also ``a``)."""
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    return {
        ast.unparse(n)
        for n in ast.walk(tree)
        if isinstance(n, ast.Name | ast.Attribute) and id(n) not in inner
    }


def _parse_entry(raw: Any, where: str) -> _Entry:
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: must be a mapping with effective, value/formula, source")
    unknown = set(raw) - {"effective", "value", "formula", "round", "source", "method", "note"}
    if unknown:
        raise ParameterError(f"{where}.{sorted(unknown)[0]}: unknown key")
    effective = raw.get("effective")
    if not isinstance(effective, date):
        raise ParameterError(f"{where}.effective: missing or not a date (YYYY-MM-DD)")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"{where}.source: missing; every value needs its source")
    method = raw.get("method")
    if method is not None and method not in METHODS:
        raise ParameterError(f"{where}.method: {method!r} is not one of {', '.join(METHODS)}")
    has_value, has_formula = "value" in raw, "formula" in raw
    if has_value == has_formula:
        raise ParameterError(f"{where}: give exactly one of value or formula")
    value = formula = formula_text = None
    if has_value:
        if isinstance(raw["value"], bool) or not isinstance(raw["value"], int | Decimal):
            raise ParameterError(f"{where}.value: not a number")
        value = Decimal(raw["value"])
    else:
        if not isinstance(raw["formula"], str):
            raise ParameterError(f"{where}.formula: not a string")
        formula_text = raw["formula"]
        formula = _compile_formula(formula_text, f"{where}.formula")
    rounding = raw.get("round")
    if rounding is not None and (isinstance(rounding, bool) or not isinstance(rounding, int)):
        raise ParameterError(f"{where}.round: not an integer number of decimals")
    return _Entry(effective, source, value, formula, formula_text, rounding, method)


def load_parameters(path: str | Path | None = None) -> ParameterSet:
    """Load and check one parameter file (default ``data/parameters/cost.yaml``).

    Raises :class:`ParameterError` naming the file and key on any problem: missing
    source or effective date, a value that is not a number, a formula naming an
    unknown parameter.
    """
    file = Path(path) if path is not None else DEFAULT_PARAMETERS
    where = str(file)
    try:
        data = load_yaml(file)
    except OSError as exc:
        raise ParameterError(f"{where}: cannot read: {exc.strerror}") from exc
    except YamlSyntaxError as exc:
        raise ParameterError(f"{where}: {exc.where}: {exc.message}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        raise ParameterError(f"{where}: parameters: missing mapping of parameters")
    params = ParameterSet(name=str(data.get("name") or file.stem), file=where)
    for key, spec in data["parameters"].items():
        key_where = f"{where}: parameters.{key}"
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), list):
            raise ParameterError(f"{key_where}.values: missing list of dated values")
        if not spec["values"]:
            raise ParameterError(f"{key_where}.values: empty")
        entries = [
            _parse_entry(raw, f"{key_where}.values[{i}]") for i, raw in enumerate(spec["values"])
        ]
        dates = [e.effective for e in entries]
        if len(set(dates)) != len(dates):
            raise ParameterError(f"{key_where}.values: two values with the same effective date")
        params.entries[str(key)] = entries
        params.units[str(key)] = str(spec.get("unit") or "")
    for key, entries in params.entries.items():
        for i, entry in enumerate(entries):
            if entry.formula is None:
                continue
            for name in _formula_names(entry.formula):
                if name not in params.entries:
                    raise ParameterError(
                        f"{where}: parameters.{key}.values[{i}].formula: unknown parameter {name!r}"
                    )
    log.debug("loaded %d parameters from %s", len(params.entries), where)
    return params
