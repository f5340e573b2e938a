"""Receipts of data deliveries: what arrived, and what changed since the previous delivery.

Survey tools overwrite their exports as answers come in, and a re-export can silently change
answers that a report already used. Each ``validate`` and each build records, for a data folder
whose files validate, a *receipt* per file: rows, content hash (sha256), how it was read, date
range, rows per wave or round, the codes of its code columns, and per row a keyed hash of its
row key and, per other column, a code into that column's distinct values, of which only keyed
hashes are kept (SipHash-2-4, pandas' ``hash_array``, with a key derived from a random secret
kept beside the receipts, readable by its owner only, so that nobody without it can test an id
or a value against them). Never an id, never a cell's value, never a row's date: the added rows
dated before the previous delivery's latest are counted when the receipt is recorded.

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
from functools import lru_cache
from pathlib import Path

from . import config

FOLDER = ".receipts"
KEY_FILE = "key"
#: The layout of a receipt's files; receipts of another layout are not compared with.
LAYOUT = 2
#: Row keys per contract file: what identifies "the same row" in the next delivery.
ROW_KEYS = {
    "offices": ("office",), "participants": ("participant_id",),
    "survey": ("participant_id", "wave"), "se_log": ("log_id",),
    "outcomes": ("participant_id",), "learning_survey": ("respondent_id", "round"),
    "employer_survey": ("employer_id",), "session_feedback": ("participant_id", "session_no"),
    "actor_survey": ("respondent_id", "round"),
    "wording": ("variable",),  # the optional question wording: a changed wording is a change
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


def _hash_key(secret: bytes) -> str:
    """The key of pandas' SipHash-2-4 (16 ASCII characters, about 105 bits), derived from the
    folder's secret."""
    raw = hmac.new(secret, b"cells", hashlib.sha256).digest()[:16]
    return "".join(chr(32 + b % 95) for b in raw)


def _history(folder: Path, data_dir: Path) -> Path:
    return folder / hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]


def _receipts(history: Path) -> list[Path]:
    """The receipts of a history, oldest first (those of an older layout are left out: the
    next run records this layout's receipt, a first delivery)."""
    if not history.is_dir():
        return []
    return [p for p in sorted(history.iterdir()) if p.is_dir()
            and (p / "receipt.json").exists() and _read(p).get("layout") == LAYOUT]


@lru_cache(maxsize=256)
def _read_cached(path: str, stamp: tuple[int, int]) -> str:
    return Path(path).read_text(encoding="utf-8")


def _read(path: Path) -> dict:
    """A receipt's receipt.json (receipts are never rewritten: read once per process)."""
    f = Path(path) / "receipt.json"
    st = f.stat()
    return json.loads(_read_cached(str(f), (st.st_mtime_ns, st.st_size)))


# ---------------------------------------------------------------- making a receipt

def _small(codes, n: int):
    """Codes 0..n-1 in the smallest unsigned type that holds them."""
    import numpy as np

    for t in ("<u1", "<u2", "<u4"):
        if n <= np.iinfo(t).max + 1:
            return codes.astype(t)
    return codes.astype("<u8")


def _save(path: Path, arrays: dict) -> None:
    """``arrays`` as one ``.npz`` (``numpy.load`` reads it): the row keys stored as they are
    (random: they do not compress), the codes deflated at the fast level (small integers,
    often in runs)."""
    import io
    import zipfile

    import numpy as np

    with zipfile.ZipFile(path, "w", allowZip64=True) as z:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            packed = name != "key" and arr.nbytes > 1024
            z.writestr(f"{name}.npy", buf.getbuffer(),
                       compress_type=zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED,
                       compresslevel=1 if packed else None)


def _file_receipt(raw, key: str, arrays: dict, before: tuple | None) -> dict:
    """The receipt of one read (and validated) file; its per-row arrays go into ``arrays``.

    Per row: a keyed hash of its row key (``key``), and per other column a code into that
    column's distinct values, whose keyed hashes are kept instead of the values (cells with
    the same value share a code: a fraction of the size of a hash per cell, and as exact).
    ``before``: (row-key hashes, latest date) of the last receipt's delivery of this file,
    for counting the added rows dated before its latest (counted now: no date is kept)."""
    import numpy as np
    import pandas as pd

    from .codebook import FILES

    spec = FILES[raw.name]
    frame = raw.frame
    keys = [k for k in ROW_KEYS.get(raw.name, ()) if k in frame.columns]
    if keys:
        arrays["key"] = pd.util.hash_pandas_object(
            frame[keys], index=False, hash_key=key, categorize=False).to_numpy().astype("<u8")
    columns = [c for c in frame.columns if c not in keys]
    date_col = spec.date_column if spec.date_column in columns else None
    days = None
    for col in columns:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
        values = np.array(["" if pd.isna(v) else str(v) for v in uniques], dtype=object)
        arrays[f"u:{col}"] = pd.util.hash_array(values, hash_key=key).astype("<u8")
        arrays[f"c:{col}"] = _small(codes, len(values))
        if col == date_col:
            d = pd.to_datetime(pd.Series(values).replace("", None), format="%Y-%m-%d",
                               errors="coerce")
            days = d.to_numpy(dtype="datetime64[D]")[codes]
    wave_col = WAVE_COLUMNS.get(raw.name)
    waves: dict = {}
    names: list = []
    if wave_col and wave_col in frame.columns:
        codes, uniques = pd.factorize(frame[wave_col], use_na_sentinel=False)
        names = [str(u) for u in uniques]
        counts = np.bincount(codes, minlength=len(names))
        waves = {w: int(counts[names.index(w)]) for w in sorted(names)}
        arrays["wave"] = _small(codes, len(names))
    date_range = earlier = None
    if days is not None:
        valid = days[~np.isnat(days)]
        if valid.size:
            date_range = [str(valid.min()), str(valid.max())]
        if before is not None and before[1] and "key" in arrays:
            added = ~pd.Index(arrays["key"]).isin(before[0])
            earlier = int((added & ~np.isnat(days)
                           & (days < np.datetime64(before[1], "D"))).sum())
    codes_of = {}
    for var in spec.variables:
        if var.kind == "code" and var.codes and var.name in frame.columns:
            codes_of[var.name] = sorted(set(frame[var.name].unique().tolist()) - {""})
    return {"file": raw.filename, "sha256": raw.sha256, "read_as": raw.dialect,
            "rows": len(frame), "columns": columns, "key": list(keys),
            "date_range": date_range, "waves": waves, "wave_names": names,
            "codes": codes_of, "earlier_dates": earlier}


def _before(last: Path | None, name: str, sha: str) -> tuple | None:
    """What the last receipt knew of file ``name``, when its content differs from ``sha``:
    (row-key hashes, latest date); None when it is the same content or was not delivered."""
    import numpy as np

    if last is None:
        return None
    entry = _read(last)["files"].get(name)
    if entry is None or entry["sha256"] == sha or not entry.get("date_range"):
        return None
    with np.load(last / f"{name}.npz") as a:
        return (a["key"] if "key" in a.files else np.zeros(0, "<u8")), entry["date_range"][1]


def record(files: dict, folder: Path, data_dir: Path, hashes: dict[str, str]) -> tuple[Path, bool]:
    """Record a receipt of ``files`` (contract name → :class:`pku_eval.io.RawFile`, read and
    valid) in ``folder`` for ``data_dir``, unless the last receipt there has the same content
    (``hashes``: file name → sha256, mapping.yml included). Returns the receipt's folder and
    whether it is new."""
    folder = Path(folder)
    history = _history(folder, data_dir)
    previous = _receipts(history)
    if previous and _read(previous[-1]).get("sha256") == dict(sorted(hashes.items())):
        return previous[-1], False
    key = _hash_key(_secret(folder))
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    n = int(previous[-1].name[:5]) + 1 if previous else 1
    target = history / f"{n:05d}-{stamp}"
    tmp = history / f".{target.name}.tmp-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    body = {"layout": LAYOUT, "recorded": now.isoformat(timespec="seconds"),
            "data_folder": Path(data_dir).name, "sha256": dict(sorted(hashes.items())),
            "files": {}}
    last = previous[-1] if previous else None
    for name, raw in sorted(files.items()):
        arrays: dict = {}
        body["files"][name] = _file_receipt(raw, key, arrays, _before(last, name, raw.sha256))
        _save(tmp / f"{name}.npz", arrays)
    (tmp / "receipt.json").write_text(json.dumps(body, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    while True:  # another validate or build of the same folder may be recording too
        try:
            os.rename(tmp, target)
            return target, True
        except OSError:
            if not target.exists():
                raise
            n += 1
            target = history / f"{n:05d}-{stamp}"


def record_dir(data_dir: Path, folder: Path | None = None,
               hashes: dict[str, str] | None = None,
               validated: tuple | None = None) -> tuple[Path | None, bool]:
    """Validate ``data_dir`` and record its receipt in ``folder`` (default: the default place)
    when its files are usable and its content is new. ``hashes`` (file name → sha256, as the
    build fingerprints the data) skips the reading when the last receipt already has them;
    ``validated``: what :func:`pku_eval.validate.validate_dir` gave for ``data_dir`` already
    (the build's data preparation validates once for both)."""
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

    files, problems = validated or validate_dir(data_dir)
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


def _locate(folder: Path, sha: dict[str, str]) -> tuple[list[Path], int] | None:
    """The receipts of the history that holds the content ``sha`` (file name → sha256; a
    mapping.yml in it is left aside), and the index of that content's latest receipt."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    sha = {k: v for k, v in sha.items() if k != "mapping.yml"}
    for history in sorted(p for p in folder.iterdir() if p.is_dir()):
        receipts = _receipts(history)
        i = _current_index(receipts, sha)
        if i is not None:
            return receipts, i
    return None


def _used(receipts: list[Path], i: int) -> tuple[int, dict]:
    """Which receipts the comparison at receipt ``i`` reads: the first receipt of the run that
    holds this content, and per contract file (j, previous): the receipt where the file's
    current content was first recorded and the one before it (None: a first delivery)."""
    from .codebook import FILES

    now = _read(receipts[i])
    per_file = {}
    for name in FILES:
        cur = now["files"].get(name)
        if cur is None:
            continue
        j = i
        while j > 0 and (_read(receipts[j - 1])["files"].get(name) or {}).get("sha256") \
                == cur["sha256"]:
            j -= 1
        per_file[name] = (j, j - 1 if j > 0 else None)
    first = i
    while first > 0 and _read(receipts[first - 1])["sha256"] == now["sha256"]:
        first -= 1
    return first, per_file


def compare(folder: Path, sha: dict[str, str]) -> Deliveries | None:
    """What changed since the previous delivery, for the data whose files have the hashes
    ``sha`` (file name → sha256, as the stage records them); None when no receipt in
    ``folder`` holds this content."""
    found = _locate(folder, sha)
    if found is None:
        return None
    receipts, i = found
    now = _read(receipts[i])
    first, per_file = _used(receipts, i)
    out = []
    for name, (j, p) in per_file.items():
        cur = now["files"][name]
        prev = _read(receipts[p])["files"].get(name) if p is not None else None
        if prev is None:
            out.append(FileChange(name, cur["file"], None, None, cur["rows"],
                                  new_file=p is not None))
            continue
        out.append(_file_change(name, cur, prev, receipts[i], receipts[p],
                                _read(receipts[p])["recorded"],
                                _read(receipts[j])["files"][name].get("earlier_dates") or 0))
    return Deliveries(_read(receipts[first])["recorded"], tuple(out))


def comparison_key(folder: Path, sha: dict[str, str]) -> str | None:
    """A digest of what :func:`compare` reads for the content ``sha`` (which receipts, and
    the folder's key): it changes whenever the comparison can, without reading the per-row
    arrays. Part of the cache key of a chapter that declares ``reads_receipts``."""
    found = _locate(folder, sha)
    if found is None:
        return None
    receipts, i = found
    first, per_file = _used(receipts, i)

    def ident(k: int | None):
        return None if k is None else [receipts[k].name, _read(receipts[k])["recorded"]]

    secret = _secret(Path(folder))  # a folder begun again has a new key
    return hashlib.sha256(json.dumps([
        hmac.new(secret, b"receipts", hashlib.sha256).hexdigest(), ident(i), ident(first),
        {n: [ident(j), ident(p)] for n, (j, p) in per_file.items()}]).encode()).hexdigest()


def _match(ka, kb):
    """The rows of ``kb`` whose key is in ``ka``: (their index in ``ka``, in ``kb``), and the
    mask of ``kb``'s rows whose key is not (one pass through a hash table: millions of rows
    in about a second)."""
    import numpy as np
    import pandas as pd

    index = pd.Index(ka)
    if index.is_unique:
        pos = index.get_indexer(kb)
        found = pos >= 0
        return pos[found], np.flatnonzero(found), ~found
    _, ia, ib = np.intersect1d(ka, kb, return_indices=True)  # a key twice: not validated data
    return ia, ib, ~np.isin(kb, ka)


def _cells(a, col: str, rows):
    """The keyed hashes of column ``col`` in rows ``rows`` of a receipt's arrays."""
    return a[f"u:{col}"][a[f"c:{col}"][rows]]


def _file_change(name: str, cur: dict, prev: dict, cur_path: Path, prev_path: Path,
                 when: str, earlier: int) -> FileChange:
    import numpy as np

    rows_before, rows_now = prev["rows"], cur["rows"]
    appeared = tuple((c, v) for c, vals in cur["codes"].items()
                     for v in vals if v not in set(prev["codes"].get(c, ())))
    gone = tuple((c, v) for c, vals in prev["codes"].items()
                 for v in vals if v not in set(cur["codes"].get(c, ())))
    with np.load(prev_path / f"{name}.npz") as a, np.load(cur_path / f"{name}.npz") as b:
        if "key" not in a.files or "key" not in b.files:
            return FileChange(name, cur["file"], when, rows_before, rows_now,
                              codes_appeared=appeared, codes_disappeared=gone)
        ia, ib, added_mask = _match(a["key"], b["key"])
        removed = len(a["key"]) - len(ia)
        cols = [c for c in cur["columns"] if c in prev["columns"]]
        diff = np.zeros((len(ia), max(len(cols), 1)), dtype=bool)
        for k, col in enumerate(cols):
            diff[:, k] = _cells(a, col, ia) != _cells(b, col, ib)
        changed_rows = diff.any(axis=1)
        by_wave = []
        if "wave" in b.files:
            names = np.array(cur["wave_names"], dtype=object)
            waves = names[b["wave"][ib]]
            delivered = set(prev["waves"])
            for w in sorted(set(waves[changed_rows]) & delivered):
                sel = changed_rows & (waves == w)
                by_wave.append((str(w), int(sel.sum()), int(diff[sel].sum())))
    return FileChange(name, cur["file"], when, rows_before, rows_now,
                      added=int(added_mask.sum()), removed=removed,
                      changed=int(changed_rows.sum()), values_changed=int(diff.sum()),
                      changed_by_wave=tuple(by_wave), codes_appeared=appeared,
                      codes_disappeared=gone, earlier_dates=earlier)


# ---------------------------------------------------------------- entry points

def at_build(data_dir: Path, out: Path, hashes: dict[str, str],
             validated: tuple | None = None) -> None:
    """A build's receipt: recorded beside the report folder ``out`` when the data's content is
    new there (the data-quality chapter reads the comparison from the same folder). Data that
    do not validate get no receipt: the build stops on them with every problem anyway.
    ``validated``: as for :func:`record_dir`."""
    record_dir(Path(data_dir), folder_beside(Path(out)), hashes, validated)


def recorded(data_dir: Path, out: Path, hashes: dict[str, str]) -> bool:
    """Whether :func:`at_build` would find the content already recorded (and read nothing):
    the build then starts no process to read the data for it."""
    from .mapping import MAPPING_FILE, fingerprint

    if (Path(data_dir) / MAPPING_FILE).is_file():
        hashes = fingerprint(Path(data_dir))
    latest = _receipts(_history(folder_beside(Path(out)), Path(data_dir)))
    return bool(latest) and _read(latest[-1]).get("sha256") == dict(sorted(hashes.items()))


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

