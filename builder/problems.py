"""Problems found in a site's data, each pinned to a file, line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# Control characters and bidirectional overrides quoted from the input would
# move the cursor, recolour or reorder an editor's terminal, or split one
# problem over several lines; they are shown escaped (`\x1b`, `\u202e`).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# A value quoted in a message is cut past this many characters: a 1 MB value pasted by mistake
# would otherwise be echoed whole, and the message be lost in it.
LONGEST_QUOTED = 80
# A quoted value opens after a space or an opening bracket (or at the start), and closes before one, so that
# the stretch between two quoted values ("'1:30' has ... put the words in 'written:'") is never taken for one.
_QUOTED = re.compile(rf"(?:^|(?<=[\s(\[{{=]))'([^'\n]{{{LONGEST_QUOTED + 1},}})'(?=$|[\s.,;:!?)\]}}])")


def _cut(match: re.Match[str]) -> str:
    text = match[1]
    return f"'{text[: LONGEST_QUOTED - 1]}…' ({len(text):,} characters)"


def cut_quoted(message: str) -> str:
    """`message` with each value it quotes ('...') cut to `LONGEST_QUOTED` characters, saying how long it was."""
    return _QUOTED.sub(_cut, message) if len(message) > LONGEST_QUOTED else message


def printable(text: str) -> str:
    """`text` with every control character written as its escape, so that it prints as one plain line."""
    return _UNPRINTABLE.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file of the site; line and column count from 1."""

    path: str
    """The file's path relative to the site root, with forward slashes."""
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def shifted(self, lines: int) -> Location:
        """The same place in a file whose text starts `lines` lines further down."""
        return Location(self.path, self.line + lines, self.col)


class Locatable(Protocol):
    """A place that finds its line and column only when asked (positions cost more to compose than data)."""

    def location(self) -> Location: ...


Where = Location | Locatable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, as an editor should read it."""

    location: Location
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


class Problems:
    """Collects every problem of a run, so that all of them are reported at once."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, where: Where, message: str) -> None:
        self._add(where, Severity.ERROR, message)

    def warning(self, where: Where, message: str) -> None:
        self._add(where, Severity.WARNING, message)

    def _add(self, where: Where, severity: Severity, message: str) -> None:
        location = where if isinstance(where, Location) else where.location()
        if _UNPRINTABLE.search(location.path):  # a file name can hold them too
            location = Location(printable(location.path), location.line, location.col)
        self._items.append(Problem(location, severity, printable(cut_quoted(message))))

    def add(self, problem: Problem) -> None:
        self._items.append(problem)

    def extend(self, problems: Problems) -> None:
        self._items.extend(problems._items)

    @property
    def error_count(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self._items)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def sorted(self) -> list[Problem]:
        """Problems in file order, without repeats, for a stable report."""
        return sorted(set(self._items))

    def __len__(self) -> int:
        return len(self._items)
