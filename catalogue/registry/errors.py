"""Errors raised by the registry, each naming where the problem is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: file, line or row, field and a message."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


@dataclass
class ImportFailed(Exception):
    """An import found problems; nothing was written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{len(self.problems)} problem(s) found; nothing was imported"
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ServiceError(Exception):
    """A service refused an action; the message is meant for the user."""


class PermissionDenied(ServiceError):
    """The acting user's role may not perform this action."""


class ConcurrentEdit(ServiceError):
    """Someone else saved the record first; both versions are kept in the error."""

    def __init__(self, message: str, *, theirs: object = None, yours: object = None):
        super().__init__(message)
        self.theirs = theirs
        self.yours = yours


class NotFound(ServiceError):
    """The record asked for does not exist."""
