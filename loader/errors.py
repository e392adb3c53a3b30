"""Build errors: each names where the problem is, which rule it breaks and the offending value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, located as precisely as the source allows."""

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    resource: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [f"{where}: [{self.rule}] {self.message}"]
        if self.resource:
            parts.append(f"resource: {self.resource}")
        if self.value is not None:
            parts.append(f"value: {self.value!r}")
        return "; ".join(parts)


class BuildError(Exception):
    """The inputs are wrong: the build stops and nothing is published (exit code 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def fail(
    rule: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    resource: str | None = None,
    value: str | None = None,
) -> BuildError:
    """A BuildError holding one problem."""
    return BuildError([Problem(rule, message, file, line, resource, value)])
