"""The processed-data cache: one report stage's tidy tables written once per build input
(data hashes × cut-off × filter × code) as Parquet, and read lazily by the chapters, each
loading only the tables it uses.

Entries are written to a temporary folder and renamed into place, so an interrupted build never
leaves an entry that a later build would trust.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem


def read_table(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A stored table, text columns Arrow-backed (no Python string objects)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    mapping = {pa.string(): pd.StringDtype("pyarrow"),
               pa.large_string(): pd.StringDtype("pyarrow")}
    return pq.read_table(path, columns=columns).to_pandas(types_mapper=mapping.get)


class LazyTables(Mapping):
    """A read-only mapping of table name → DataFrame, loading each Parquet file on first use."""

    def __init__(self, folder: Path, names: list[str]):
        self._folder = Path(folder)
        self._names = list(names)
        self._loaded: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = read_table(self._folder / f"{name}.parquet")
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name) -> bool:
        return name in self._names


def save_stage(stage, folder: Path, made_from: str = "") -> Path:
    """Write a :class:`pku_eval.tidy.StageData` atomically into ``folder`` (marked as a cache
    entry; ``made_from`` names the data delivery it was made from), with the hashes of every
    id in it (for the id scans of figures and outputs)."""
    from . import safety
    from .privacy import id_fingerprints

    folder = Path(folder)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    if tmp.exists():
        safety.remove_tree(tmp, safety.CACHE_ENTRY)
    safety.mark(tmp, safety.CACHE_ENTRY)
    try:
        stage.offices.to_parquet(tmp / "offices.parquet", index=False)
        stage.participants.to_parquet(tmp / "participants.parquet", index=False)
        for name in stage.tables:
            stage.tables[name].to_parquet(tmp / f"{name}.parquet", index=False)
        if stage.office_counts is not None:   # a filtered stage: the whole set's counts
            stage.office_counts.to_parquet(tmp / OFFICE_COUNTS, index=False)
        for name, frame in (stage.set_tables or {}).items():   # likewise, other tables
            frame.to_parquet(tmp / f"{SET_TABLE}{name}.parquet", index=False)
        meta = {
            "cutoff": stage.cutoff.isoformat(), "tables": list(stage.tables),
            "sha256": stage.sha256, "rows": stage.rows, "rows_used": stage.rows_used,
            "problems": [p.__dict__ for p in stage.problems], "made_from": made_from,
            "reading": dict(getattr(stage, "reading", None) or {}),
            # the delivery's question wording (question → [nb, en]): no participant data
            "wording": {k: list(v) for k, v in (getattr(stage, "wording", None) or {}).items()},
        }
        tables = {"participants": stage.participants, **{n: stage.tables[n] for n in stage.tables}}
        np.save(tmp / FINGERPRINTS, id_fingerprints(tables))
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
        if folder.exists():
            safety.remove_tree(folder, safety.CACHE_ENTRY)
        os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


FINGERPRINTS = "id_fingerprints.npy"
#: A filtered stage's shared counts per office and arm of the unfiltered data
#: (:func:`pku_eval.shared_counts.office_counts`); no ids in it.
OFFICE_COUNTS = "office_counts.parquet"
#: A filtered stage's per-office (or per-project) tables of the unfiltered data
#: (:mod:`pku_eval.set_tables`): ``set_<name>.parquet``; counts only, no ids.
SET_TABLE = "set_"


def read_fingerprints(folder: Path) -> np.ndarray:
    """The id hashes :func:`save_stage` wrote (memory-mapped: cheap even for millions)."""
    return np.load(Path(folder) / FINGERPRINTS, mmap_mode="r")


def open_stage(folder: Path):
    """Open a stage written by :func:`save_stage` (tables load lazily)."""
    from .tidy import StageData

    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return StageData(
        cutoff=pd.Timestamp(meta["cutoff"]),
        offices=read_table(folder / "offices.parquet"),
        participants=read_table(folder / "participants.parquet"),
        tables=LazyTables(folder, meta["tables"]),
        sha256=meta["sha256"], rows=meta["rows"], rows_used=meta["rows_used"],
        problems=[Problem(**p) for p in meta["problems"]],
        reading=meta.get("reading") or {},
        wording={k: (v[0], v[1]) for k, v in (meta.get("wording") or {}).items()},
        office_counts=(read_table(folder / OFFICE_COUNTS)
                       if (folder / OFFICE_COUNTS).exists() else None),
        set_tables=({f.name[len(SET_TABLE):-len(".parquet")]: read_table(f)
                     for f in sorted(folder.glob(f"{SET_TABLE}*.parquet"))}
                    if (folder / OFFICE_COUNTS).exists() else None),
    )


def read_ids(folder: Path) -> dict[str, pd.DataFrame]:
    """Only the id columns of a stored stage (for the output id scan)."""
    import pyarrow.parquet as pq

    from .codebook import ID_COLUMNS

    out = {}
    for path in sorted(Path(folder).glob("*.parquet")):
        cols = [c for c in pq.read_schema(path).names if c in ID_COLUMNS]
        if cols:
            out[path.stem] = read_table(path, columns=cols)
    return out
