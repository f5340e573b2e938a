"""Privacy by construction: no id from the data in any output, pseudonymisation of direct
identifiers, and the disclosure-control rules shared by tables and results.json."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .codebook import ID_COLUMNS
from .errors import PkuEvalError

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{3,}[A-Za-z0-9]")


def _hashes(values) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    return pd.util.hash_pandas_object(s, index=False).to_numpy()


def id_fingerprints(tables: dict[str, pd.DataFrame]) -> np.ndarray:
    """Sorted 64-bit hashes of every id value in the data (participant, respondent, employer,
    coach and log ids); compact even for millions of ids."""
    parts = []
    for frame in tables.values():
        for col in ID_COLUMNS:
            if col in frame:
                vals = frame[col].dropna().astype(str).unique()
                parts.append(_hashes(vals))
    if not parts:
        return np.array([], dtype=np.uint64)
    return np.unique(np.concatenate(parts))


def text_has_id(text: str, fingerprints: np.ndarray) -> bool:
    """Whether ``text`` holds an id from the data (whose hashes are ``fingerprints``)."""
    if fingerprints.size == 0:
        return False
    tokens = set(TOKEN.findall(text))
    # also the pieces of tokens joined by '.', '_' (e.g. 'P-00012.' at a sentence end)
    tokens |= {p for tok in list(tokens) for p in re.split(r"[._]", tok) if len(p) >= 5}
    if not tokens:
        return False
    h = _hashes(list(tokens))
    idx = np.searchsorted(fingerprints, h)
    idx[idx >= fingerprints.size] = 0
    return bool(np.any(fingerprints[idx] == h))


def scan_for_ids(paths: list[Path], fingerprints: np.ndarray) -> list[str]:
    """Files among ``paths`` that contain an id from the data (the ids are never returned)."""
    return [str(p) for p in paths
            if text_has_id(Path(p).read_text(encoding="utf-8", errors="replace"), fingerprints)]


#: Every text format the build writes (vector figures included).
SCANNED = (".html", ".json", ".ipynb", ".csv", ".txt", ".svg", ".md", ".xml", ".tex", ".log")


def check_outputs(out_dir: Path, fingerprints) -> None:
    """Fail when any file written to ``out_dir`` holds an id value from the data.
    ``fingerprints``: from :func:`id_fingerprints` (or the tables themselves)."""
    if isinstance(fingerprints, dict):
        fingerprints = id_fingerprints(fingerprints)
    files = [p for p in Path(out_dir).rglob("*") if p.is_file() and p.suffix in SCANNED]
    hits = scan_for_ids(files, fingerprints)
    if hits:
        raise PkuEvalError(
            "an id from the data appears in the output, so nothing was published: "
            + ", ".join(Path(h).relative_to(out_dir).as_posix() for h in hits)
            + " (the id is not shown; look for a table or print of raw rows in that chapter)")


def strip_if_ids(notebook: Path, fingerprints: np.ndarray) -> bool:
    """Remove every output of ``notebook`` when any of them holds an id from the data; return
    whether it did (the sources stay, for debugging)."""
    import nbformat

    notebook = Path(notebook)
    if not text_has_id(notebook.read_text(encoding="utf-8", errors="replace"), fingerprints):
        return False
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, notebook)
    return True


def figure_texts(fig) -> list[str]:
    """Every text a matplotlib figure would draw (titles, labels, tick labels, legends,
    annotations), read off its artists; call it after the figure was drawn (saved), when the
    tick labels are formatted."""
    from matplotlib.text import Text

    texts = [t.get_text() for t in fig.findobj(Text)]
    for ax in fig.get_axes():  # tick labels are made at draw time; ask the axes for them
        for axis in (ax.xaxis, ax.yaxis):
            texts += [t.get_text() for t in axis.get_ticklabels(minor=False)]
            texts += [t.get_text() for t in axis.get_ticklabels(minor=True)]
    return [t for t in texts if t]


def check_figure(fig, fingerprints: np.ndarray, label: str) -> None:
    """Refuse to publish a figure that would draw an id from the data."""
    if text_has_id("\n".join(figure_texts(fig)), fingerprints):
        import matplotlib.pyplot as plt

        plt.close(fig)
        raise PkuEvalError(f"{label} would show an id from the data (in a title, label, tick "
                           "label or legend), so it was not drawn; the id is not shown")


# ---------------------------------------------------------------- pseudonymisation

def load_key(key_file: Path, create: bool = True) -> bytes:
    """The secret HMAC key. Refuses a key file inside the project (it would end up in git)."""
    key_file = Path(key_file).resolve()
    if config.PROJECT_ROOT in key_file.parents:
        raise PkuEvalError(f"the key file must be kept outside the repository: {key_file}")
    if not key_file.exists():
        if not create:
            raise PkuEvalError(f"key file not found: {key_file}")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    key = key_file.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise PkuEvalError(f"key file {key_file} holds too short a key (at least 32 characters)")
    return key.encode("utf-8")


def pseudonym(value: str, key: bytes, prefix: str = "X") -> str:
    """Keyed hash (HMAC-SHA256) of ``value``: the same value and key always give the same
    pseudonym, so linkage across files survives; without the key it cannot be reversed.

    Examples
    --------
    >>> pseudonym("15076500565", b"k" * 32)
    'X-be3706cb391b5d1c'
    """
    digest = hmac.new(key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:16]}"


def pseudonymise_file(src: Path, column: str, key_file: Path, dst: Path) -> int:
    """Replace ``column`` of a CSV/XLSX file by pseudonyms; return the number of rows."""
    from .io import read_file, write_table  # noqa: F401  (formats)

    src, dst = Path(src), Path(dst)
    key = load_key(key_file)
    if src.suffix == ".csv":
        frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    elif src.suffix == ".xlsx":
        frame = pd.read_excel(src, dtype=str).fillna("")
    else:
        raise PkuEvalError(f"{src.name}: pseudonymise reads .csv or .xlsx")
    if column not in frame:
        raise PkuEvalError(f"{src.name}: no column '{column}' (columns: {', '.join(frame)})")
    frame[column] = [pseudonym(v, key) if v != "" else "" for v in frame[column]]
    if dst.suffix == ".csv":
        frame.to_csv(dst, index=False, encoding="utf-8", lineterminator="\n")
    else:
        frame.to_excel(dst, index=False)
    return len(frame)
