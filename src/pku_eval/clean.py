"""``make clean`` / ``pku-eval clean``: remove the build products, and only what the suite made.

Report folders, ``.failed`` and work folders are removed only when they carry the suite's
marker; the chapter cache and the processed-data store only when their root carries it. Anything
else in ``reports/`` (notes, an ``index.html`` of someone else's) is left alone and listed.
Runs with the standard library alone, so that it works before the virtual environment exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config, safety


def clean(reports_dir: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Remove the suite's build products; return (removed, left alone)."""
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    removed: list[Path] = []
    kept: list[Path] = []
    if reports_dir.is_dir():
        for path in sorted(reports_dir.iterdir()):
            if path.name == "README.md" or path.resolve() == config.CACHE_DIR.resolve():
                continue
            kind = safety.marked_as(path)
            if kind in (safety.REPORT, safety.FAILED, safety.WORK):
                safety.remove_tree(path, kind)
                removed.append(path)
            else:
                kept.append(path)
    for root in (config.CACHE_DIR, config.PROCESSED_DIR):
        if safety.marked_as(root) == safety.CACHE:
            safety.remove_tree(root, safety.CACHE)
            removed.append(root)
        elif root.exists():
            kept.append(root)
    return removed, kept


def main() -> int:
    removed, kept = clean()
    for p in removed:
        print(f"removed {p}")
    for p in kept:
        print(f"left alone (not made by pku-eval): {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
