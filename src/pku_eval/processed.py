"""The processed data of a build: loaded, validated and tidied once per data delivery, cut-off
and filter, in a child process (its memory goes back to the system before the kernels start),
and kept as Parquet in the processed store for the chapters to read lazily."""

from __future__ import annotations

import threading
from pathlib import Path

from . import config, safety
from .cache import data_key, digest, log
from .codebook import CONTRACT_VERSION
from .errors import PkuEvalError
from .params import Params


class ProcessedStage:
    """The processed data of a build, made (load + validate + tidy) at most once, on demand."""

    def __init__(self, data_path: Path, params: Params, data_hashes: dict, code: str):
        self.data_path = data_path
        self.params = params
        key = digest(CONTRACT_VERSION, data_hashes, params.cutoff_date, params.filter, code)
        self.data_key = data_key(data_hashes)
        self.folder = config.PROCESSED_DIR / key[:32]
        self._lock = threading.Lock()

    def fingerprints(self):
        """The sorted 64-bit hashes of every id in the stage's data (for the id scans)."""
        from .store import read_fingerprints

        return read_fingerprints(self.ensure())

    def reading(self) -> dict:
        """How each contract file was read (contract name -> :func:`pku_eval.io.reading`),
        as the processed data record it: the provenance appendix shows it."""
        import json

        meta = json.loads((self.ensure() / "meta.json").read_text(encoding="utf-8"))
        return meta.get("reading") or {}

    def ensure(self, receipt: tuple | None = None) -> Path:
        """The stage's folder, made when it is not there. ``receipt``: (data folder, report
        folder, file hashes) of a receipt to record in the same child process
        (:func:`pku_eval.receipts.at_build`): a delivery new beside the report is then read
        and validated once for both (#19), not once for the receipt and once for the data."""
        # in a child process: its memory (millions of rows while reading) goes back to the
        # system before the chapters' kernels start
        from .child import in_child

        with self._lock:
            if not (self.folder / "meta.json").exists():
                safety.ensure_cache_root(config.PROCESSED_DIR)
                log(f"[{self.params.stage}] loading and validating {self.data_path}")
                error = in_child(_prepare_stage, str(self.data_path), self.params.cutoff_date,
                                 self.params.filter, str(self.folder), self.data_key, receipt)
                if error:
                    raise PkuEvalError(error)
            elif receipt is not None:
                in_child(_record_receipt, *receipt)
            return self.folder


def _record_receipt(data_path: str, out: str, hashes: dict) -> None:
    from .receipts import at_build

    at_build(Path(data_path), Path(out), hashes)


def _prepare_stage(data_path: str, cutoff_date: str, filter: dict | None,
                   folder: str, made_from: str, receipt: tuple | None = None) -> str | None:
    """Load, validate, tidy and store a stage (run in a child process), after recording
    ``receipt`` (see :meth:`ProcessedStage.ensure`). Returns the message of a user error (bad
    data), None on success."""
    from .receipts import at_build
    from .store import save_stage
    from .tidy import load, prepare
    from .validate import validate_dir

    try:
        validated = [validate_dir(Path(data_path))]  # once, for the receipt and the data
        if receipt is not None:
            at_build(Path(receipt[0]), Path(receipt[1]), receipt[2], validated[0])
        # handed on, not kept: the raw text frames are freed once typed, and the typed ones
        # once tidied, as each step returns (millions of rows at national scale)
        save_stage(prepare(load(Path(data_path), validated.pop()), cutoff_date, filter),
                   Path(folder), made_from=made_from)
    except PkuEvalError as exc:
        return str(exc)
    return None
