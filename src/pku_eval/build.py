"""One place that turns a params file into a report: params → data (validated and tidied once,
cached by content) → chapters (papermill, in parallel, each re-run only when something it
depends on changed) → results.json + report.html, published atomically.

A failed build leaves the previous report of the stage untouched and keeps the failed executed
notebook for inspection in ``reports/<stage>.failed/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import config
from .codebook import CONTRACT_VERSION
from .errors import BuildError, DataValidationError, PkuEvalError
from .params import Params, read_params

#: Chapters that read the results of the other chapters of the build: they run last.
RUN_LAST = frozenset({"summary"})
#: Bumped when the layout of cache entries changes.
CACHE_VERSION = 1


@dataclass
class BuildResult:
    out_dir: Path
    report: Path
    results: Path
    durations: dict[str, float] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _h(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


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
    return _h(sys.version, sorted(dists))


def data_fingerprint(data_dir: Path) -> dict[str, str]:
    """sha256 of every contract file in ``data_dir`` (file name → hash). Raises the validation
    error when the files themselves are ambiguous or missing."""
    from .files import find_files, sha256_file

    found, problems = find_files(data_dir)
    if any(p.severity == "error" for p in problems):
        raise DataValidationError(problems)
    return {p.name: sha256_file(p) for p in sorted(found.values())}


def chapter_reads(name: str) -> frozenset[str] | None:
    """The contract files a chapter reads: ``READS`` of ``pku_eval.chapters.<name>`` (read from
    the source, without importing it) plus offices, participants and outcomes; None = all
    (no module, or ``READS = None``)."""
    import ast

    from .tidy import ALWAYS_READ

    path = config.PACKAGE_DIR / "chapters" / f"{name}.py"
    if not path.exists():
        return None
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "READS"):
            value = ast.literal_eval(node.value)
            return None if value is None else frozenset(value) | ALWAYS_READ
    return None


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


# ---------------------------------------------------------------- the chapter cache

def _cache_dir() -> Path:
    return config.CACHE_DIR


def _entry(key: str) -> Path:
    return _cache_dir() / key[:2] / key


def _store_entry(key: str, notebook: Path, fragment: Path, meta: dict) -> None:
    """Write a cache entry atomically (a half-written entry is never visible)."""
    final = _entry(key)
    tmp = final.parent / f".{key}.tmp-{os.getpid()}-{threading.get_ident()}"
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy2(notebook, tmp / "notebook.ipynb")
    if fragment.exists():
        shutil.copy2(fragment, tmp / "fragment.json")
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)


def _reason(components: dict, previous: dict | None) -> str:
    if previous is None:
        return "new"
    changed = [k for k in components if components[k] != previous.get(k)]
    return ", ".join(f"{k} changed" for k in changed) or "forced"


# ---------------------------------------------------------------- running a chapter

def execute_chapter(name: str, number: int, params: Params, workdir: Path, stage_dir: Path,
                    data_dir: Path) -> float:
    """Run one chapter notebook with papermill into ``workdir/notebooks``; return seconds."""
    import papermill as pm

    src = config.NOTEBOOKS_DIR / f"{name}.ipynb"
    dst = workdir / "notebooks" / f"{name}.ipynb"
    frag = workdir / "fragments" / f"{name}.json"
    parameters = params.notebook_parameters()
    parameters.update(stage_file=str(stage_dir), results_file=str(frag),
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


class _Stage:
    """The processed data of a build, made (load + validate + tidy) at most once, on demand."""

    def __init__(self, data_path: Path, params: Params, data_hashes: dict, code: str):
        self.data_path = data_path
        self.params = params
        key = _h(CONTRACT_VERSION, data_hashes, params.cutoff_date, params.filter, code)
        self.folder = config.PROCESSED_DIR / key[:32]
        self._lock = threading.Lock()

    def ensure(self) -> Path:
        with self._lock:
            if not (self.folder / "meta.json").exists():
                _log(f"[{self.params.stage}] loading and validating {self.data_path}")
                # in a child process: its memory (millions of rows while reading) goes back
                # to the system before the chapters' kernels start
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                ctx = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
                    error = pool.submit(_prepare_stage, str(self.data_path),
                                        self.params.cutoff_date, self.params.filter,
                                        str(self.folder)).result()
                if error:
                    raise PkuEvalError(error)
            return self.folder


def _prepare_stage(data_path: str, cutoff_date: str, filter: dict | None,
                   folder: str) -> str | None:
    """Load, validate, tidy and store a stage (run in a child process). Returns the message of
    a user error (bad data), None on success."""
    from .store import save_stage
    from .tidy import load, prepare

    try:
        save_stage(prepare(load(Path(data_path)), cutoff_date, filter), Path(folder))
    except PkuEvalError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- the build

def build(params_path: str | Path, data_dir: str | Path | None = None,
          out_dir: str | Path | None = None, jobs: int | None = None,
          force: bool = False, filter: dict | None = None) -> BuildResult:
    """Build the report that ``params_path`` describes (REPORT_SPEC.md); ``filter``
    (``{"project": "klar"}`` or ``{"office": "moss"}``) overrides the params' filter."""
    t0 = time.perf_counter()
    params = read_params(Path(params_path))
    if filter:
        from .params import parse_filter

        params = replace(params, filter=parse_filter(filter))
    if params.filter and params.compare_with:
        # a project's final report compares with that project's interim report
        cw = Path(params.compare_with)
        if cw.parent.name == "interim":
            value = "-".join(str(v) for v in params.filter.values())
            params = replace(params, compare_with=str(cw.parent.with_name(f"interim-{value}")
                                                      / cw.name))
    data_path = resolve_data_dir(data_dir)
    out = Path(out_dir).resolve() if out_dir else config.REPORTS_DIR / params.out_name
    label = f"[{params.out_name}]"
    data_hashes = data_fingerprint(data_path)
    code, env = code_fingerprint(), env_fingerprint()
    chapters = list(params.chapters)
    components: dict[str, dict] = {}
    for i, name in enumerate(chapters):
        nb_bytes = (config.NOTEBOOKS_DIR / f"{name}.ipynb").read_bytes()
        reads = chapter_reads(name)
        components[name] = {
            "notebook": _h(nb_bytes),
            "params": _h(params.notebook_parameters(), i + 1),
            # only the files the chapter reads: a new SE log does not re-run the learning chapter
            "data": _h({f: h for f, h in data_hashes.items()
                        if reads is None or f.rsplit(".", 1)[0] in reads}),
            "code": code, "packages": env,
        }
    previous = _read_json(out / "build.json") or {}
    compare = _compare_hash(params) if RUN_LAST & set(chapters) else None
    overall = _h(CACHE_VERSION, components, params.notebook_parameters(), data_hashes, compare)
    if (not force and previous.get("key") == overall and (out / "report.html").exists()
            and (out / "results.json").exists()):
        _log(f"{label} up to date: nothing changed since the last build "
             f"({time.perf_counter() - t0:.2f} s)")
        return BuildResult(out, out / "report.html", out / "results.json", up_to_date=True,
                           reused=chapters)

    stage = _Stage(data_path, params, data_hashes, code)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.building-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    (work / "notebooks").mkdir(parents=True)
    (work / "fragments").mkdir()
    ok = False
    durations: dict[str, float] = {}
    ran: list[str] = []
    reused: list[str] = []
    n = len(chapters)
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    done = [0]
    lock = threading.Lock()

    def run(item):
        i, name = item
        comp = dict(components[name])
        if name in RUN_LAST:
            comp["results read"] = _h(_compare_hash(params), sorted(
                (p.name, p.read_bytes()) for p in (work / "fragments").glob("*.json")))
        key = _h(CACHE_VERSION, comp)
        entry = _entry(key)
        prev = (previous.get("chapters") or {}).get(name)
        if not force and (entry / "meta.json").exists():
            shutil.copy2(entry / "notebook.ipynb", work / "notebooks" / f"{name}.ipynb")
            if (entry / "fragment.json").exists():
                shutil.copy2(entry / "fragment.json", work / "fragments" / f"{name}.json")
            secs = json.loads((entry / "meta.json").read_text())["seconds"]
            with lock:
                done[0] += 1
                reused.append(name)
                _log(f"{label} {done[0]}/{n} {name}: reused (unchanged)")
            return name, secs, comp
        with lock:
            _log(f"{label} {name}: running ({_reason(comp, prev) if not force else 'forced'})")
        secs = execute_chapter(name, i + 1, params, work, stage.ensure(), data_path)
        _store_entry(key, work / "notebooks" / f"{name}.ipynb",
                     work / "fragments" / f"{name}.json", {"seconds": secs, "chapter": name})
        with lock:
            done[0] += 1
            ran.append(name)
            _log(f"{label} {done[0]}/{n} {name}: ran in {secs:.1f} s "
                 f"(elapsed {time.perf_counter() - t0:.0f} s)")
        return name, secs, comp

    try:
        first = [(i, c) for i, c in enumerate(chapters) if c not in RUN_LAST]
        last = [(i, c) for i, c in enumerate(chapters) if c in RUN_LAST]
        for batch in (first, last):
            if not batch:
                continue
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                for name, secs, comp in pool.map(run, batch):
                    durations[name] = secs
                    components[name] = comp
        durations = {c: durations[c] for c in chapters}
        _assemble(work, params, data_hashes, durations, stage)
        (work / "build.json").write_text(json.dumps(
            {"key": overall, "chapters": components},
            indent=1), encoding="utf-8")
        _publish(work, out)
        ok = True
        _log(f"{label} report written to {out / 'report.html'} "
             f"({time.perf_counter() - t0:.1f} s; ran {len(ran)}, reused {len(reused)})")
        return BuildResult(out, out / "report.html", out / "results.json", durations,
                           ran=ran, reused=reused)
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


def _compare_hash(params: Params) -> str | None:
    """Hash of the interim results.json the summary compares with (None when absent)."""
    if not params.compare_with:
        return None
    p = Path(params.compare_with)
    p = p if p.is_absolute() else config.PROJECT_ROOT / p
    return _h(p.read_bytes()) if p.exists() else None


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _assemble(work: Path, params: Params, data_hashes: dict, durations: dict,
              stage: _Stage) -> None:
    """results.json and report.html from the chapters' fragments and notebooks; id scan."""
    from .privacy import check_outputs
    from .report import render
    from .results import merge, missing_keys, skeleton
    from .store import read_ids

    chapters = list(params.chapters)
    results = skeleton(params.stage, list(params.waves), chapters)
    results["data"]["sha256"] = dict(sorted(data_hashes.items()))
    for name in chapters:
        frag = work / "fragments" / f"{name}.json"
        if frag.exists():
            merge(results, json.loads(frag.read_text(encoding="utf-8")))
    missing = missing_keys(results, list(params.waves))
    if missing:
        raise PkuEvalError("results.json would lack required keys: " + ", ".join(missing))
    reasons = dict(sorted(results.pop("null_reasons").items()))
    results["null_reasons"] = reasons
    (work / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    built = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    page = render([work / "notebooks" / f"{c}.ipynb" for c in chapters], params, data_hashes,
                  durations, built)
    (work / "report.html").write_text(page, encoding="utf-8")
    shutil.rmtree(work / "fragments")
    check_outputs(work, read_ids(stage.ensure()))  # no id from the data leaves the build


def _publish(work: Path, out: Path) -> None:
    """Move a finished build into place; the previous report is replaced only now."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(work, out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
