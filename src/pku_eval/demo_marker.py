"""The demo-data marker: ``pku-eval demo-data`` (and the build, when it generates the demo data
in ``data/demo/`` on first use) writes a small file beside the data files, and a build
recognises demo data by that file alone — never by a folder's name or its numbers. A report
built on marked data says DEMO on its title page and in the header of every screen and page.

Light on purpose (no numpy or pandas): the build asks it while planning.
"""

from __future__ import annotations

import json
from pathlib import Path

#: the marker file's name, beside the data files
DEMO_MARKER = ".pku-eval-demo"


def mark_demo(folder: Path, **about) -> Path:
    """Write the demo marker into ``folder`` (``about``: e.g. seed and participants, kept in
    the marker for whoever looks)."""
    path = Path(folder) / DEMO_MARKER
    meta = {"made_by": "pku-eval", "kind": "demo-data",
            "note": "synthetic demo data: reports built on them are marked DEMO", **about}
    path.write_text(json.dumps(meta, sort_keys=True) + "\n", encoding="utf-8")
    return path


def is_demo(folder: Path) -> bool:
    """True when ``folder`` carries the demo marker (a regular file that says so)."""
    path = Path(folder) / DEMO_MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 4096:
            return False
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("made_by") == "pku-eval" \
        and meta.get("kind") == "demo-data"


__all__ = ["DEMO_MARKER", "is_demo", "mark_demo"]
