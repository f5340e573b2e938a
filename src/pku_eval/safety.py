"""What the suite may replace or remove: only folders it made itself.

Every folder the suite creates and may later replace or delete (a report folder, its work and
``.failed`` folders, the chapter cache, the processed-data store) carries a small marker file
written at creation. A build replaces an existing ``--out`` folder only when it carries the
report marker; a folder without it, a file, the data folder, the project root, ``/`` or a home
folder is refused with a message and left untouched. Removal goes through :func:`remove_tree`,
which checks the marker again just before deleting.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from . import config
from .errors import PkuEvalError

MARKER = ".pku-eval-made"

REPORT = "report"        # a published report folder (reports/<stage>/)
WORK = "work"            # a build's temporary folder (.<name>.building-<pid>)
FAILED = "failed"        # reports/<stage>.failed/
CACHE = "cache"          # the root of the chapter cache or of the processed-data store
CACHE_ENTRY = "cache-entry"
KINDS = (REPORT, WORK, FAILED, CACHE, CACHE_ENTRY)


class UnsafePathError(PkuEvalError):
    """A path the suite was asked to replace or remove is not one it made."""


def expand(path: str | Path) -> Path:
    """``~`` expanded and the path made absolute (symlinks resolved)."""
    return Path(os.path.expanduser(str(path))).resolve()


def mark(folder: Path, kind: str) -> Path:
    """Write the marker of ``kind`` into ``folder`` (created if missing)."""
    if kind not in KINDS:
        raise ValueError(f"unknown marker kind {kind!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(json.dumps({"made_by": "pku-eval", "kind": kind}) + "\n",
                                 encoding="utf-8")
    return folder


def marked_as(folder: Path) -> str | None:
    """The kind of marker ``folder`` carries (None when it has none, or is not a folder)."""
    path = Path(folder) / MARKER
    try:
        if path.is_symlink() or not path.is_file() or Path(folder).is_symlink():
            return None
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(meta, dict) and meta.get("made_by") == "pku-eval" and meta.get("kind") in KINDS:
        return meta["kind"]
    return None


def _protected(path: Path, data_dir: Path | None) -> str | None:
    """Why ``path`` must never be replaced (None when it may be, given a marker)."""
    home = expand("~")
    root = config.PROJECT_ROOT.resolve()
    if path == Path(path.anchor):
        return "it is the root of the file system"
    if path == home or path in home.parents:
        return "it is a home folder"
    if path == root or path in root.parents:
        return "it is the project folder (or holds it)"
    if path in (config.NOTEBOOKS_DIR.resolve(), config.PACKAGE_DIR.resolve(),
                config.PARAMS_DIR.resolve(), config.DATA_DIR.resolve()):
        return "it is a folder of the project"
    for d in filter(None, (data_dir, config.DEMO_DATA_DIR)):
        d = Path(d).resolve()
        if path == d or path in d.parents:
            return "it is the data folder (or holds it)"
        if d in path.parents:
            return "it lies inside the data folder"
    return None


def check_out_dir(out: Path, data_dir: Path | None = None) -> Path:
    """Refuse an ``--out`` the build may not replace; return it expanded.

    Allowed: a path that does not exist yet (its parent is created), or a folder that carries
    the report marker (a report the suite wrote before)."""
    out = expand(out)
    why = _protected(out, Path(data_dir) if data_dir else None)
    if why is None and _legacy_report(out):
        mark(out, REPORT)
    if why is None and out.exists():
        if not out.is_dir():
            why = "it is a file, not a report folder"
        elif marked_as(out) != REPORT:
            why = ("it is an existing folder that pku-eval did not make (it has no "
                   f"{MARKER} marker)")
    if why:
        raise UnsafePathError(
            f"--out {out}: refused, because {why}; nothing was touched. Give a new folder "
            "name (it is created), or a report folder that pku-eval wrote before.")
    return out


def _legacy_report(path: Path) -> bool:
    """A report folder written in the project's ``reports/`` before markers existed: it holds
    exactly the files a build writes."""
    try:
        names = {p.name for p in path.iterdir()}
    except OSError:
        return False
    return (path.parent == config.REPORTS_DIR.resolve() and marked_as(path) is None
            and {"report.html", "results.json", "build.json", "notebooks"} >= names
            and {"report.html", "results.json", "build.json"} <= names)


def remove_tree(path: Path, kinds: tuple[str, ...] | str) -> bool:
    """Delete ``path`` only when it carries a marker of one of ``kinds``; return whether it was
    deleted. A folder without the marker is left alone (and reported by the caller)."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return False
    if marked_as(path) not in kinds:
        raise UnsafePathError(f"{path}: not removed, because pku-eval did not make it "
                              f"(no {MARKER} marker of kind {'/'.join(kinds)})")
    shutil.rmtree(path)
    return True


def ensure_cache_root(root: Path) -> Path:
    """The root of a cache (chapter cache or processed store), created and marked if missing.

    An existing folder is used only when it carries the cache marker, or is the project's own
    default location (a cache from before markers existed), which is then marked."""
    root = Path(root)
    if marked_as(root) == CACHE:
        return root
    defaults = {(config.REPORTS_DIR / ".cache").resolve(), (config.DATA_DIR / "processed").resolve()}
    if not root.exists() or root.resolve() in defaults:
        return mark(root, CACHE)
    if root.is_dir() and not any(root.iterdir()):
        return mark(root, CACHE)
    raise UnsafePathError(f"cache folder {root}: refused, because it exists and pku-eval did "
                          f"not make it (no {MARKER} marker); point the cache at a new folder")
