"""Receipts of data deliveries: what arrived, and what changed since the previous delivery.

Survey tools overwrite their exports as answers come in, and a re-export can silently change
answers that a report already used. Each ``validate`` and each build records, for a data folder
whose files validate, a *receipt* per file: rows, content hash (sha256), how it was read, date
range, rows per wave or round, the codes of its code columns, and for every row a keyed hash
of its row key (HMAC-SHA256 with a random key kept beside the receipts, so that nobody without
that key can test an id against them) and keyed hashes of its cells (SipHash-2-4, pandas'
``hash_array`` with a key derived from the same secret). Never an id, never a cell's value.

A new receipt is written only when the content differs from the last one recorded for that
data folder. The *previous delivery* of a file is the receipt before the run of receipts that
hold its current content, so every rebuild of the same data shows the same changes: rows added,
removed and changed (counts), values changed in waves or rounds delivered before, codes that
appeared or disappeared, and response dates earlier than the previous delivery's latest.

Receipts live in ``reports/.receipts/`` (``validate``, and builds into ``reports/``), or beside
the report folder a build's ``--out`` names; ``PKU_EVAL_RECEIPTS_DIR`` overrides the default.
They are never committed (``reports/`` is git-ignored) and survive rebuilds and ``make clean``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from . import config

FOLDER = ".receipts"
KEY_FILE = "key"
#: Row keys per contract file: what identifies "the same row" in the next delivery.
ROW_KEYS = {
    "offices": ("office",), "participants": ("participant_id",),
    "survey": ("participant_id", "wave"), "se_log": ("log_id",),
    "outcomes": ("participant_id",), "learning_survey": ("respondent_id", "round"),
    "employer_survey": ("employer_id",), "session_feedback": ("participant_id", "session_no"),
    "actor_survey": ("respondent_id", "round"),
}
#: The column whose values are the waves or rounds of a file.
WAVE_COLUMNS = {"survey": "wave", "learning_survey": "round", "actor_survey": "round"}


def default_folder() -> Path:
    env = os.environ.get("PKU_EVAL_RECEIPTS_DIR")
    return Path(env) if env else config.REPORTS_DIR / FOLDER


def folder_beside(out: Path) -> Path:
    """The receipts folder of a build into report folder ``out``: beside it."""
    env = os.environ.get("PKU_EVAL_RECEIPTS_DIR")
    return Path(env) if env else Path(out).parent / FOLDER


def _secret(folder: Path) -> bytes:
    """The folder's random key (created on first use, readable by the owner only)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
        except FileExistsError:
            pass
    return path.read_text(encoding="utf-8").strip().encode("ascii")


def _siphash_key(secret: bytes) -> str:
    """16 ASCII characters derived from the secret: the key of pandas' SipHash."""
    return hmac.new(secret, b"cells", hashlib.sha256).hexdigest()[:16]


def _history(folder: Path, data_dir: Path) -> Path:
    return folder / hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]


def _receipts(history: Path) -> list[Path]:
    if not history.is_dir():
        return []
    return sorted(p for p in history.iterdir() if p.is_dir() and (p / "receipt.json").exists())


def _read(path: Path) -> dict:
    return json.loads((path / "receipt.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- making a receipt

def _file_receipt(raw, secret: bytes, arrays: dict) -> dict:
    """The receipt of one read (and validated) file; its per-row hashes go into ``arrays``."""
    import numpy as np
    import pandas as pd

    from .codebook import FILES

    spec = FILES[raw.name]
    frame = raw.frame
    keys = [k for k in ROW_KEYS.get(raw.name, ()) if k in frame.columns]
    if keys:
        joined = frame[keys[0]].astype(str)
        for k in keys[1:]:
            joined = joined + "\x1f" + frame[k].astype(str)
        digests = [hmac.digest(secret, v.encode("utf-8"), "sha256")[:8] for v in joined.tolist()]
        arrays["key"] = np.frombuffer(b"".join(digests), dtype="<u8").copy()
    sip = _siphash_key(secret)
    columns = [c for c in frame.columns if c not in keys]
    for col in columns:
        arrays[f"cell:{col}"] = pd.util.hash_array(
            frame[col].astype(object).to_numpy(), hash_key=sip).astype("<u8")
    wave_col = WAVE_COLUMNS.get(raw.name)
    waves = {}
    if wave_col and wave_col in frame.columns:
        w = frame[wave_col]
        waves = {str(k): int(v) for k, v in w.value_counts(sort=False).sort_index().items()}
        arrays["wave"] = w.astype(str).to_numpy(dtype="U16")
    date_range = None
    if spec.date_column and spec.date_column in frame.columns:
        d = pd.to_datetime(frame[spec.date_column].where(frame[spec.date_column] != "", None),
                           format="%Y-%m-%d", errors="coerce")
        arrays["date"] = d.to_numpy(dtype="datetime64[D]").astype("int64")
        if d.notna().any():
            date_range = [d.min().date().isoformat(), d.max().date().isoformat()]
    codes = {}
    for var in spec.variables:
        if var.kind == "code" and var.codes and var.name in frame.columns:
            codes[var.name] = sorted(set(frame[var.name].tolist()) - {""})
    return {"file": raw.filename, "sha256": raw.sha256, "read_as": raw.dialect,
            "rows": len(frame), "columns": columns, "key": list(keys),
            "date_range": date_range, "waves": waves, "codes": codes}


def record(files: dict, folder: Path, data_dir: Path, hashes: dict[str, str]) -> tuple[Path, bool]:
    """Record a receipt of ``files`` (contract name → :class:`pku_eval.io.RawFile`, read and
    valid) in ``folder`` for ``data_dir``, unless the last receipt there has the same content
    (``hashes``: file name → sha256, mapping.yml included). Returns the receipt's folder and
    whether it is new."""
    import numpy as np

    folder = Path(folder)
    history = _history(folder, data_dir)
    previous = _receipts(history)
    if previous and _read(previous[-1]).get("sha256") == hashes:
        return previous[-1], False
    secret = _secret(folder)
    now = dt.datetime.now(dt.UTC)
    target = history / f"{len(previous) + 1:05d}-{now.strftime('%Y%m%dT%H%M%SZ')}"
    tmp = history / f".{target.name}.tmp-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    body = {"recorded": now.isoformat(timespec="seconds"),
            "data_folder": Path(data_dir).name, "sha256": dict(sorted(hashes.items())),
            "files": {}}
    for name, raw in sorted(files.items()):
        arrays: dict = {}
        body["files"][name] = _file_receipt(raw, secret, arrays)
        np.savez(tmp / f"{name}.npz", **arrays)
    (tmp / "receipt.json").write_text(json.dumps(body, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    n = len(previous) + 1
    while True:  # another validate or build of the same folder may be recording too
        try:
            os.rename(tmp, target)
            return target, True
        except OSError:
            if not target.exists():
                raise
            n += 1
            target = history / f"{n:05d}-{now.strftime('%Y%m%dT%H%M%SZ')}"


def record_dir(data_dir: Path, folder: Path | None = None,
               hashes: dict[str, str] | None = None) -> tuple[Path | None, bool]:
    """Validate ``data_dir`` and record its receipt in ``folder`` (default: the default place)
    when its files are usable and its content is new. ``hashes`` (file name → sha256, as the
    build fingerprints the data) skips the reading when the last receipt already has them."""
    from .mapping import MAPPING_FILE, fingerprint

    folder = Path(folder) if folder else default_folder()
    data_dir = Path(data_dir)
    if hashes is None or (data_dir / MAPPING_FILE).is_file():
        hashes = fingerprint(data_dir)
    history = _history(folder, data_dir)
    latest = _receipts(history)
    if latest and _read(latest[-1]).get("sha256") == dict(sorted(hashes.items())):
        return latest[-1], False
    from .validate import validate_dir

    files, problems = validate_dir(data_dir)
    if any(p.severity == "error" for p in problems):
        return None, False  # only usable deliveries get a receipt
    return record({n: r for n, r in files.items() if r.frame is not None}, folder, data_dir,
                  hashes)


# ---------------------------------------------------------------- comparing with the previous

@dataclass(frozen=True)
class FileChange:
    """What changed in one contract file since its previous delivery (counts only)."""

    name: str
    file: str
    previous: str | None          # when the previous delivery was recorded (None: first)
    rows_before: int | None
    rows_now: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    values_changed: int = 0       # cells, in rows delivered before
    changed_by_wave: tuple = ()   # ((wave, rows changed, values changed), …) delivered before
    codes_appeared: tuple = ()    # ((column, code), …)
    codes_disappeared: tuple = ()
    earlier_dates: int = 0        # added rows dated before the previous delivery's latest
    new_file: bool = False

    @property
    def warning(self) -> bool:
        """Already-delivered data changed: rows changed or removed."""
        return bool(self.changed or self.removed)


@dataclass(frozen=True)
class Deliveries:
    """The comparison of the current delivery with the previous one, per contract file."""

    recorded: str | None           # when the current content was first recorded
    files: tuple                   # FileChange, in contract order

    @property
    def warning(self) -> bool:
        return any(f.warning for f in self.files)

    @property
    def first(self) -> bool:
        return all(f.previous is None for f in self.files)


def _current_index(receipts: list[Path], sha: dict[str, str]) -> int | None:
    """The latest receipt whose files have exactly the hashes ``sha`` (file name → sha256)."""
    for i in range(len(receipts) - 1, -1, -1):
        files = _read(receipts[i])["files"]
        if {f["file"]: f["sha256"] for f in files.values()} == sha:
            return i
    return None


def compare(folder: Path, sha: dict[str, str]) -> Deliveries | None:
    """What changed since the previous delivery, for the data whose files have the hashes
    ``sha`` (file name → sha256, as the stage records them); None when no receipt in
    ``folder`` holds this content."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    sha = {k: v for k, v in sha.items() if k != "mapping.yml"}
    for history in sorted(p for p in folder.iterdir() if p.is_dir()):
        receipts = _receipts(history)
        i = _current_index(receipts, sha)
        if i is not None:
            return _compare_at(receipts, i)
    return None


def _compare_at(receipts: list[Path], i: int) -> Deliveries:
    from .codebook import FILES

    now = _read(receipts[i])
    out = []
    for name in FILES:
        cur = now["files"].get(name)
        if cur is None:
            continue
        j = i
        while j > 0 and (_read(receipts[j - 1])["files"].get(name) or {}).get("sha256") \
                == cur["sha256"]:
            j -= 1
        prev_path = receipts[j - 1] if j > 0 else None
        prev = _read(prev_path)["files"].get(name) if prev_path is not None else None
        if prev is None:
            out.append(FileChange(name, cur["file"], None, None, cur["rows"],
                                  new_file=prev_path is not None))
            continue
        out.append(_file_change(name, cur, prev, receipts[i], prev_path,
                                _read(prev_path)["recorded"]))
    first = i
    while first > 0 and _read(receipts[first - 1])["sha256"] == now["sha256"]:
        first -= 1
    return Deliveries(_read(receipts[first])["recorded"], tuple(out))


def _file_change(name: str, cur: dict, prev: dict, cur_path: Path, prev_path: Path,
                 when: str) -> FileChange:
    import numpy as np

    a = np.load(prev_path / f"{name}.npz")
    b = np.load(cur_path / f"{name}.npz")
    rows_before, rows_now = prev["rows"], cur["rows"]
    appeared = tuple((c, v) for c, vals in cur["codes"].items()
                     for v in vals if v not in set(prev["codes"].get(c, ())))
    gone = tuple((c, v) for c, vals in prev["codes"].items()
                 for v in vals if v not in set(cur["codes"].get(c, ())))
    if "key" not in a.files or "key" not in b.files:
        return FileChange(name, cur["file"], when, rows_before, rows_now,
                          codes_appeared=appeared, codes_disappeared=gone)
    ka, kb = a["key"], b["key"]
    common, ia, ib = np.intersect1d(ka, kb, assume_unique=False, return_indices=True)
    added_mask = ~np.isin(kb, ka)
    removed = int((~np.isin(ka, kb)).sum())
    cols = [c for c in cur["columns"] if c in prev["columns"]]
    diff = np.zeros((len(common), max(len(cols), 1)), dtype=bool)
    for k, col in enumerate(cols):
        diff[:, k] = a[f"cell:{col}"][ia] != b[f"cell:{col}"][ib]
    changed_rows = diff.any(axis=1)
    by_wave = []
    if "wave" in b.files:
        waves = b["wave"][ib]
        delivered = set(prev["waves"])
        for w in sorted(set(waves[changed_rows]) & delivered):
            sel = changed_rows & (waves == w)
            by_wave.append((str(w), int(sel.sum()), int(diff[sel].sum())))
    earlier = 0
    if "date" in a.files and "date" in b.files and len(a["date"]):
        valid = a["date"][a["date"] > np.iinfo("int64").min]
        if len(valid):
            latest = valid.max()
            d = b["date"][added_mask]
            earlier = int(((d > np.iinfo("int64").min) & (d < latest)).sum())
    return FileChange(name, cur["file"], when, rows_before, rows_now,
                      added=int(added_mask.sum()), removed=removed,
                      changed=int(changed_rows.sum()), values_changed=int(diff.sum()),
                      changed_by_wave=tuple(by_wave), codes_appeared=appeared,
                      codes_disappeared=gone, earlier_dates=earlier)


# ---------------------------------------------------------------- entry points

def at_build(data_dir: Path, out: Path, hashes: dict[str, str]) -> None:
    """A build's receipt: recorded beside the report folder ``out`` when the data's content is
    new there (the data-quality chapter reads the comparison from the same folder). Data that
    do not validate get no receipt: the build stops on them with every problem anyway."""
    record_dir(Path(data_dir), folder_beside(Path(out)), hashes)


def folder_for_chapter(ch) -> Path:
    """Where a chapter finds the receipts: beside its report folder in a build (the chapters'
    work folder sits there), the default place when run on its own."""
    env = os.environ.get("PKU_EVAL_RECEIPTS_DIR")
    if env:
        return Path(env)
    frag = getattr(ch, "fragments_dir", None)
    if frag:
        return Path(frag).parent.parent / FOLDER
    return default_folder()


def for_chapter(ch) -> Deliveries | None:
    """The comparison of the chapter's data with their previous delivery (None: no receipt)."""
    return compare(folder_for_chapter(ch), dict(ch.data.sha256))


def summary_lines(d: Deliveries | None) -> list[str]:
    """``validate``'s report of what changed since the previous delivery (counts only)."""
    if d is None:
        return []
    if d.first:
        return [f"DELIVERY: first delivery recorded for this data folder ({d.recorded})."]
    lines = [("DELIVERY: compared with the previous delivery of each file (this content was "
              f"first recorded {d.recorded}):")]
    for f in d.files:
        if f.previous is None:
            lines.append(f"  {f.file}: {'new file' if f.new_file else 'first delivery'}, "
                         f"{f.rows_now} rows")
            continue
        text = (f"  {f.file}: {f.rows_before} → {f.rows_now} rows; {f.added} added, "
                f"{f.removed} removed, {f.changed} changed ({f.values_changed} values)")
        if f.changed_by_wave:
            text += "; in waves delivered before: " + ", ".join(
                f"{w} {n} rows/{v} values" for w, n, v in f.changed_by_wave)
        if f.codes_appeared:
            text += "; new codes: " + ", ".join(f"{c}={v}" for c, v in f.codes_appeared)
        if f.codes_disappeared:
            text += "; codes gone: " + ", ".join(f"{c}={v}" for c, v in f.codes_disappeared)
        if f.earlier_dates:
            text += (f"; {f.earlier_dates} added rows dated before the previous delivery's "
                     "latest")
        lines.append("WARNING: already-delivered data changed:" + text[1:] if f.warning
                     else text)
    return lines
