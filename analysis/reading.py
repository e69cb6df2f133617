"""Checked reading of plain YAML data into model values, collecting every problem.

A :class:`Reader` never raises on bad input: it records a
:class:`~analysis.errors.SheetProblem` with the key path and returns None, so that a
sheet reports all its problems at once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from analysis.errors import SheetProblem
from analysis.limits import MAXIMA
from analysis.model import DECIMALS, Figure
from analysis.vocab import CHANNEL_CODES, METHODS

__all__ = ["Reader", "join_path"]


def join_path(path: str, key: str | int) -> str:
    """Extend a key path: ``join_path("options", 1)`` → ``options[1]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros, never in exponent form (``110``, ``1.5``)."""
    if value == value.to_integral_value():
        return value.to_integral_value()
    return value.normalize()


class Reader:
    """Collects problems while converting raw values."""

    def __init__(self) -> None:
        self.problems: list[SheetProblem] = []

    def problem(self, path: str, message: str) -> None:
        """Record one problem at ``path``."""
        self.problems.append(SheetProblem(path, message))

    def mapping(self, raw: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        """A mapping whose keys are all in ``allowed``; unknown keys are problems."""
        if not isinstance(raw, dict):
            self.problem(path, "must be a mapping")
            return None
        for key in raw:
            if key not in allowed:
                self.problem(
                    join_path(path, str(key)), f"unknown key (allowed: {', '.join(allowed)})"
                )
        return raw

    def text(self, raw: Any, path: str, *, required: bool = True) -> str | None:
        """A non-empty string (numbers are accepted as codes, e.g. ``1.000123``)."""
        if raw is None:
            if required:
                self.problem(path, "missing")
            return None
        if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
            self.problem(path, "must be text")
            return None
        text = str(raw).strip()
        if not text:
            if required:
                self.problem(path, "must not be empty")
            return None
        return text

    def number(
        self, raw: Any, path: str, kind: str, *, required: bool = True, exact: bool = True
    ) -> Decimal | None:
        """A non-negative number with at most ``DECIMALS[kind]`` decimal places.

        ``exact=False`` accepts more places (a source's raw figure, rounded later).
        """
        if raw is None:
            if required:
                self.problem(path, "missing")
            return None
        if isinstance(raw, float):
            raw = Decimal(repr(raw))  # a float from Python callers: its shortest decimal text
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
            self.problem(path, f"must be a number, got {raw!r}")
            return None
        value = Decimal(raw)
        if not value.is_finite():
            self.problem(path, "must be a finite number")
            return None
        if value < 0:
            self.problem(path, f"must not be negative, got {value}")
            return None
        if value > MAXIMA[kind]:  # analysis.limits: what the evaluators and databases hold
            self.problem(path, f"must be at most {MAXIMA[kind]:,}, got {value}".replace(",", "."))
            return None
        places = DECIMALS[kind]
        if exact and value.normalize().as_tuple().exponent < -places:
            what = f"at most {places} decimal places" if places else "a whole number"
            self.problem(path, f"must have {what}, got {value}")
            return None
        return value

    def figure(self, raw: Any, path: str, kind: str, *, required: bool = True) -> Figure | None:
        """A number, or ``{value, source, method}`` with the figure's provenance.

        ``{values: [...], sources: [...]}`` gives the figures of several sources that
        disagree: the official low-average rule picks the value (rounded half-up to the
        figure's precision) and the source says so.
        """
        if isinstance(raw, dict) and "values" in raw:
            return self._low_average_figure(raw, path, kind)
        if isinstance(raw, dict):
            self.mapping(raw, path, ("value", "values", "source", "sources", "method"))
            value = self.number(raw.get("value"), join_path(path, "value"), kind)
            source = self.text(raw.get("source"), join_path(path, "source"), required=False)
            method = raw.get("method")
            if method is not None and method not in METHODS:
                self.problem(join_path(path, "method"), f"must be one of {', '.join(METHODS)}")
                method = None
            return Figure(value, source, method) if value is not None else None
        value = self.number(raw, path, kind, required=required)
        return Figure(value) if value is not None else None

    def _low_average_figure(self, raw: dict, path: str, kind: str) -> Figure | None:
        from analysis.sensitivity import low_average  # late: sensitivity reads sheets

        self.mapping(raw, path, ("values", "sources", "source", "method"))
        items = raw.get("values")
        if not isinstance(items, list) or not items:
            self.problem(join_path(path, "values"), "must be a non-empty list of numbers")
            return None
        numbers = [
            self.number(v, join_path(join_path(path, "values"), i), kind, exact=False)
            for i, v in enumerate(items)
        ]
        sources = raw.get("sources") or []
        if not isinstance(sources, list) or (sources and len(sources) != len(items)):
            self.problem(join_path(path, "sources"), "must list one source per value")
            sources = []
        method = raw.get("method")
        if method is not None and method not in METHODS:
            self.problem(join_path(path, "method"), f"must be one of {', '.join(METHODS)}")
            method = None
        if any(n is None for n in numbers):
            return None
        quantum = Decimal(1).scaleb(-DECIMALS[kind])
        value = _plain(low_average(numbers).quantize(quantum, rounding=ROUND_HALF_UP))
        listed = "; ".join(
            f"{_plain(n)} ({src})" if src else str(_plain(n))
            for n, src in zip(numbers, sources or [None] * len(numbers), strict=True)
        )
        note = f"trung bình thấp (TT 02/2017/TT-VPCP) của {len(numbers)} nguồn: {listed}"
        own = self.text(raw.get("source"), join_path(path, "source"), required=False)
        return Figure(value, f"{own}; {note}" if own else note, method)

    def channel_list(self, raw: Any, path: str) -> tuple[str, ...] | None:
        """A list of channel codes; None (absent) means every channel."""
        if raw is None:
            return None
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(path, "must be a non-empty list of channels")
            return None
        result = []
        for i, item in enumerate(raw):
            if item not in CHANNEL_CODES:
                self.problem(
                    join_path(path, i),
                    f"unknown channel {item!r} (known: {', '.join(CHANNEL_CODES)})",
                )
            else:
                result.append(item)
        return tuple(result)

    def shares(self, raw: Any, path: str) -> dict[str, Decimal] | None:
        """Channel shares ``{direct: 0.6, online: 0.4}``: known channels, summing to exactly 1."""
        if raw is None:
            self.problem(path, "missing")
            return None
        if not isinstance(raw, dict) or not raw:
            self.problem(path, "must be a mapping of channel to share")
            return None
        shares: dict[str, Decimal] = {}
        ok = True
        for channel, value in raw.items():
            where = join_path(path, str(channel))
            if channel not in CHANNEL_CODES:
                self.problem(where, f"unknown channel (known: {', '.join(CHANNEL_CODES)})")
                ok = False
                continue
            share = self.number(value, where, "share")
            if share is None:
                ok = False
            elif share > 1:
                self.problem(where, "a share must be between 0 and 1")
                ok = False
            else:
                shares[channel] = share
        if ok and sum(shares.values()) != 1:
            self.problem(path, f"shares must sum to 1, got {sum(shares.values())}")
            return None
        return shares if ok else None

    def deadlines(self, raw: Any, path: str) -> dict[str, Decimal]:
        """Working days per channel ``{direct: 15}``, or one number for every channel."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            days = self.number(raw, path, "days")
            return dict.fromkeys(CHANNEL_CODES, days) if days is not None else {}
        result = {}
        for channel, value in raw.items():
            where = join_path(path, str(channel))
            if channel not in CHANNEL_CODES:
                self.problem(where, f"unknown channel (known: {', '.join(CHANNEL_CODES)})")
                continue
            days = self.number(value, where, "days")
            if days is not None:
                result[channel] = days
        return result
