"""Errors of the cost model, each naming the file and the key path of the problem."""

from __future__ import annotations

from dataclasses import dataclass, field


class ParameterError(ValueError):
    """A parameter file is malformed or has no value for a key at a date.

    The message always names the file and the key, e.g.
    ``data/parameters/cost.yaml: parameters.usd_rate.values[0].source: missing``.
    """


@dataclass(frozen=True)
class SheetProblem:
    """One problem in a costing sheet: the key path (``options[1].changes[0].type``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class SheetError(ValueError):
    """A costing sheet or proposal is invalid; nothing was evaluated or applied."""

    file: str
    problems: list[SheetProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{self.file}: {p}" for p in self.problems)
