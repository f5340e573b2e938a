"""Finding the contract's files in a data directory and hashing them (no pandas: the no-op
build check must start fast)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .codebook import FILES
from .errors import Problem

FORMATS = (".csv", ".xlsx", ".sav")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find_files(data_dir: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map each contract file name to its path in ``data_dir``; report duplicates and absences."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    if not data_dir.is_dir():
        problems.append(Problem(str(data_dir), None, None, None,
                                "data directory does not exist"))
        return found, problems
    for name, spec in FILES.items():
        paths = [data_dir / f"{name}{ext}" for ext in FORMATS if (data_dir / f"{name}{ext}").is_file()]
        if len(paths) > 1:
            problems.append(Problem(
                ", ".join(p.name for p in paths), None, None, None,
                f"two formats of the same file '{name}': keep exactly one of them"))
        elif paths:
            found[name] = paths[0]
        elif spec.required:
            problems.append(Problem(f"{name}.csv", None, None, None,
                                    "required file is missing (csv, xlsx or sav)"))
        elif not spec.extension:  # an extension of the contract is left out without a word
            problems.append(Problem(f"{name}.csv", None, None, None,
                                    "file not present: the chapters that need it will say so",
                                    severity="notice"))
    return found, problems


