"""The build's caches, keyed by content: fingerprints of code, packages and data; the chapter
cache (one entry per executed chapter, written atomically); pruning after a build, so that no
cached copy of an older data delivery (one from before a withdrawal) survives the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
from pathlib import Path

from . import config, safety
from .errors import DataValidationError

HEX = "0123456789abcdef"
#: Bumped when the layout of cache entries changes.
CACHE_VERSION = 1


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def digest(*parts) -> str:
    """sha256 over JSON-serialised parts (bytes as they are)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- fingerprints

def code_fingerprint() -> str:
    """Hash of the pku_eval package's source files and templates."""
    h = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def env_fingerprint() -> str:
    """Hash of the Python version and every installed distribution's version (read off the
    ``*.dist-info`` folder names, which carry name and version, on sys.path)."""
    dists = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        dists.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return digest(sys.version, sorted(dists))


def data_fingerprint(data_dir: Path) -> dict[str, str]:
    """sha256 of every data file in ``data_dir`` (file name → hash): the contract files, the
    exports ``mapping.yml`` maps onto them, and ``mapping.yml`` itself. Raises the validation
    error when the files themselves are ambiguous or missing."""
    from .mapping import find_sources, fingerprint

    _, problems, _ = find_sources(data_dir)
    if any(p.severity == "error" for p in problems):
        raise DataValidationError(problems)
    return fingerprint(data_dir)


# ---------------------------------------------------------------- the chapter cache

def _cache_dir() -> Path:
    return safety.ensure_cache_root(config.CACHE_DIR)


def entry_path(key: str) -> Path:
    return _cache_dir() / key[:2] / key


def store_entry(key: str, notebook: Path, fragment: Path, meta: dict) -> None:
    """Write a cache entry atomically (a half-written entry is never visible)."""
    final = entry_path(key)
    tmp = final.parent / f".{key}.tmp-{os.getpid()}-{threading.get_ident()}"
    safety.mark(tmp, safety.CACHE_ENTRY)
    shutil.copy2(notebook, tmp / "notebook.ipynb")
    if fragment.exists():
        shutil.copy2(fragment, tmp / "fragment.json")
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    if final.exists():
        safety.remove_tree(final, safety.CACHE_ENTRY)
    os.replace(tmp, final)


def data_key(data_hashes: dict) -> str:
    """One hash of a data delivery (every file's sha256): what caches record they came from."""
    return digest(sorted(data_hashes.items()))


def prune_caches(made_from: str) -> None:
    """After a published build: remove every processed copy and chapter-cache entry made from
    other data than this build's, so that nothing from before a withdrawal (or any older
    delivery) survives the next build. Only marked entries in marked cache roots are touched."""
    for root in (config.PROCESSED_DIR, config.CACHE_DIR):
        if safety.marked_as(root) != safety.CACHE:
            continue
        entries = [p for p in root.iterdir() if p.is_dir()]
        if root == config.CACHE_DIR:  # entries sit one level down: <key[:2]>/<key>
            entries = [e for d in entries for e in d.iterdir() if e.is_dir()]
        for entry in entries:
            meta = read_json(entry / "meta.json") or {}
            if meta.get("made_from") == made_from or entry.name.startswith("."):
                continue  # this delivery's, or being written right now
            if safety.marked_as(entry) == safety.CACHE_ENTRY:
                safety.remove_tree(entry, safety.CACHE_ENTRY)
            elif meta and len(entry.name) in (32, 64) and not set(entry.name) - set(HEX):
                shutil.rmtree(entry)  # an entry from before markers existed (meta.json, hex name)


def reason(components: dict, previous: dict | None) -> str:
    """Why a chapter runs: the components of its key that changed (for its code: which
    modules or text catalogues)."""
    if previous is None:
        return "new"
    out = []
    for k, now in components.items():
        then = previous.get(k)
        if now == then:
            continue
        if isinstance(now, dict) and isinstance(then, dict) and set(now) == {"modules", "texts"}:
            parts = [name for part in ("modules", "texts") for name in sorted(
                set(now[part]) | set(then.get(part) or {}))
                if now[part].get(name) != (then.get(part) or {}).get(name)]
            shown = ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3
                                            else "")
            out.append(f"code changed ({shown})" if parts else "code changed")
        else:
            out.append(f"{k} changed")
    return ", ".join(out) or "forced"
