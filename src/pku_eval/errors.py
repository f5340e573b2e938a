"""One exception hierarchy for the suite.

The command line prints the message of a :class:`PkuEvalError` and exits 1; a traceback is
shown only for bugs (any other exception).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What may sit between the digits of a number written in groups ("140789 38588",
#: "14.07.89 38588", "140789 - 38588"): up to three spaces (also no-break), dots, hyphens or
#: en dashes. Shared with the national-id detector in ``pku_eval.validate``.
DIGIT_SEPARATORS = "[ .\\-\u00a0\u2013]{0,3}"
_DIGIT_RUN = re.compile(f"[0-9](?:{DIGIT_SEPARATORS}[0-9]){{9,}}")
DIGITS_NOT_SHOWN = "<digits not shown>"


def mask_digits(text: str) -> str:
    """``text`` with every run of 10 or more digits, also one written in groups (as above),
    replaced by "<digits not shown>": the last line of defence that keeps a national identity
    number (or a raw row holding one) out of every message."""
    return _DIGIT_RUN.sub(DIGITS_NOT_SHOWN, text) if text else text


class PkuEvalError(Exception):
    """Base class of every error the suite raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as a spreadsheet shows it (header = row 1); ``None`` when the
    problem concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"  # "error" | "warning" | "notice"

    def __post_init__(self) -> None:
        # every text of a problem (a cell value, a column name from a header, a library's
        # message in ``expected``) is masked once, here: printed, stored or shown in a report,
        # no problem carries a run of 10 or more digits
        for name in ("file", "column", "value", "expected"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, mask_digits(text))

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        where = ", ".join(parts)
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{where}{value}: {self.expected}"


MAX_PER_FILE = 50


def format_problems(problems: list[Problem], max_per_file: int = MAX_PER_FILE) -> str:
    """Format problems grouped per file, at most ``max_per_file`` lines per file and severity."""
    lines: list[str] = []
    for severity, title in (("error", "ERROR"), ("warning", "WARNING"), ("notice", "NOTICE")):
        chosen = [p for p in problems if p.severity == severity]
        counts: dict[str, int] = {}
        for p in chosen:
            counts[p.file] = counts.get(p.file, 0) + 1
            if counts[p.file] <= max_per_file:
                lines.append(f"{title}: {p}")
        for file, n in counts.items():
            if n > max_per_file:
                lines.append(f"{title}: {file}: ... and {n - max_per_file} more problems of this kind")
    return "\n".join(lines)


class DataValidationError(PkuEvalError):
    """The data directory does not follow the data contract. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s) in the input data:\n" + format_problems(errors)
        )


class ParamsError(PkuEvalError):
    """A params file names an unknown key or a value of the wrong type."""


class BuildError(PkuEvalError):
    """A chapter failed during a build: carries chapter, cell and the original traceback."""

    def __init__(self, chapter: str, cell: int | None, message: str, traceback: str = "",
                 notebook: str | None = None):
        self.chapter = chapter
        self.cell = cell
        self.message = message
        self.traceback = traceback
        self.notebook = notebook
        where = f"chapter '{chapter}'" + (f", cell {cell}" if cell is not None else "")
        kept = f"\nThe failed notebook is kept for inspection: {notebook}" if notebook else ""
        super().__init__(f"Build failed in {where}: {message}{kept}\n"
                         "The previous report of this stage was left untouched.")
