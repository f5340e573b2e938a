"""One place that turns a params file into a report: params → data (loaded once) → chapters
(papermill, in parallel) → results.json + report.html, published atomically.

A failed build leaves the previous report of the stage untouched and keeps the failed executed
notebook for inspection.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .errors import BuildError, PkuEvalError
from .params import Params, read_params
from .privacy import check_outputs
from .results import merge, missing_keys, skeleton


#: Chapters that read the results of the other chapters of the build: they run last.
RUN_LAST = frozenset({"summary"})


@dataclass
class BuildResult:
    out_dir: Path
    report: Path
    results: Path
    durations: dict[str, float] = field(default_factory=dict)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data directory of a build; the demo data are generated on first use."""
    if data_dir is None:
        path = config.DEMO_DATA_DIR
        if not (path / "offices.csv").exists():
            from .demo import write_demo

            _log(f"demo data not found: generating them in {path}")
            write_demo(path)
        return path
    path = Path(data_dir).resolve()
    if not path.is_dir():
        raise PkuEvalError(f"data directory not found: {path}")
    return path


def execute_chapter(name: str, number: int, params: Params, workdir: Path, stage_file: Path,
                    data_dir: Path) -> float:
    """Run one chapter notebook with papermill into ``workdir/notebooks``; return seconds."""
    import papermill as pm

    src = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    dst = workdir / "notebooks" / f"{name}.ipynb"
    frag = workdir / "fragments" / f"{name}.json"
    parameters = params.notebook_parameters()
    parameters.update(stage_file=str(stage_file), results_file=str(frag),
                      fragments_dir=str(frag.parent), chapter_number=number,
                      data_dir=str(data_dir))
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(src), str(dst), parameters=parameters,
                            kernel_name=config.KERNEL_NAME, progress_bar=False,
                            log_output=False, cwd=str(config.NOTEBOOKS_DIR))
    except pm.PapermillExecutionError as exc:
        raise BuildError(name, exc.exec_count, f"{exc.ename}: {exc.evalue}",
                         "\n".join(exc.traceback), notebook=str(dst)) from None
    return time.perf_counter() - start


def build(params_path: str | Path, data_dir: str | Path | None = None,
          out_dir: str | Path | None = None, jobs: int | None = None,
          force: bool = False) -> BuildResult:
    """Build the report that ``params_path`` describes. See REPORT_SPEC.md."""
    from .report import render
    from .tidy import load, prepare

    t0 = time.perf_counter()
    params = read_params(Path(params_path))
    data_path = resolve_data_dir(data_dir)
    out = Path(out_dir).resolve() if out_dir else config.REPORTS_DIR / params.out_name
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.building-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    (work / "notebooks").mkdir(parents=True)
    (work / "fragments").mkdir()
    ok = False
    try:
        _log(f"[{params.stage}] loading and validating {data_path}")
        dataset = load(data_path)
        stage = prepare(dataset, params.cutoff_date, params.filter)
        stage_file = work / "stage.pkl"
        with open(stage_file, "wb") as fh:
            pickle.dump(stage, fh, protocol=pickle.HIGHEST_PROTOCOL)

        chapters = list(params.chapters)
        n = len(chapters)
        jobs = max(1, min(jobs or os.cpu_count() or 1, n))
        durations: dict[str, float] = {}
        _log(f"[{params.stage}] running {n} chapter(s), {jobs} at a time")

        def run(item):
            i, name = item
            secs = execute_chapter(name, i + 1, params, work, stage_file, data_path)
            _log(f"[{params.stage}] chapter {i + 1}/{n} {name}: ran in {secs:.1f} s")
            return name, secs

        # chapters that read the others' results (the summary) run after all the rest
        first = [(i, c) for i, c in enumerate(chapters) if c not in RUN_LAST]
        last = [(i, c) for i, c in enumerate(chapters) if c in RUN_LAST]
        for batch in (first, last):
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                for name, secs in pool.map(run, batch):
                    durations[name] = secs
        durations = {c: durations[c] for c in chapters}

        results = skeleton(params.stage, list(params.waves), chapters)
        results["data"]["sha256"] = dict(sorted(stage.sha256.items()))
        for name in chapters:
            frag = work / "fragments" / f"{name}.json"
            if frag.exists():
                merge(results, json.loads(frag.read_text(encoding="utf-8")))
        missing = missing_keys(results, list(params.waves))
        if missing:
            raise PkuEvalError("results.json would lack required keys: " + ", ".join(missing))
        results["null_reasons"] = dict(sorted(results["null_reasons"].items()))
        (work / "results.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

        built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
        page = render([work / "notebooks" / f"{c}.ipynb" for c in chapters], params,
                      stage.sha256, durations, built)
        (work / "report.html").write_text(page, encoding="utf-8")
        stage_file.unlink()
        shutil.rmtree(work / "fragments")
        check_outputs(work, dataset.tables)  # no id from the data leaves the build
        _publish(work, out)
        ok = True
        _log(f"[{params.stage}] report written to {out / 'report.html'} "
             f"({time.perf_counter() - t0:.1f} s)")
        return BuildResult(out, out / "report.html", out / "results.json", durations)
    except BuildError as exc:
        failed = out.parent / f"{out.name}.failed"
        if failed.exists():
            shutil.rmtree(failed)
        if exc.notebook and Path(exc.notebook).exists():
            failed.mkdir(parents=True)
            kept = failed / Path(exc.notebook).name
            shutil.copy2(exc.notebook, kept)
            raise BuildError(exc.chapter, exc.cell, exc.message, exc.traceback,
                             notebook=str(kept)) from None
        raise
    finally:
        if not ok and work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _publish(work: Path, out: Path) -> None:
    """Move a finished build into place; the previous report is replaced only now."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(work, out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
