"""One place that turns a params file into a report, in four steps:

plan (params, data fingerprints, what each chapter depends on; a no-op when nothing changed) →
run (chapters in kernels of their own, each re-run only when something it depends on changed:
``runner``) → assemble (results.json, report.html, id scan) → publish (atomically, replacing
only a report folder the suite made: ``safety``).

A failed build leaves the previous report of the stage untouched and keeps the failed executed
notebook for inspection in ``reports/<stage>.failed/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import config, safety
from .cache import (
    CACHE_VERSION,
    code_fingerprint,
    data_fingerprint,
    digest,
    env_fingerprint,
    log,
    prune_caches,
    read_json,
)
from .chapters.spec import spec_of, waves
from .code_keys import chapter_code_key, stage_code_key
from .demo_marker import is_demo, mark_demo
from .errors import BuildError, PkuEvalError
from .params import Params, read_params
from .processed import ProcessedStage
from .runner import (PARAMS_FILE, Runner, close_pool, keep_failed, kernel_server,
                     new_work_folder)


@dataclass
class BuildResult:
    out_dir: Path
    report: Path
    results: Path
    durations: dict[str, float] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    up_to_date: bool = False


@dataclass
class Plan:
    """What a build will do: its params, data, output folder and per-chapter dependencies."""

    params: Params
    data_path: Path
    out: Path
    data_hashes: dict
    #: the processed data (made already when the delivery was new beside the report)
    stage: ProcessedStage
    #: seconds spent making them while planning
    data_seconds: float
    components: dict
    previous: dict
    key: str

    @property
    def label(self) -> str:
        return f"[{self.params.out_name}]"

    def up_to_date(self) -> bool:
        return (self.previous.get("key") == self.key and (self.out / "report.html").exists()
                and (self.out / "results.json").exists())


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data directory of a build; the demo data are generated on first use."""
    if data_dir is None:
        path = config.DEMO_DATA_DIR
        if not (path / "offices.csv").exists():
            from .demo import write_demo

            log(f"demo data not found: generating them in {path}")
            write_demo(path)
            mark_demo(path)
        elif not is_demo(path):  # generated here before the demo marker existed
            mark_demo(path)
        return path
    path = Path(data_dir).resolve()
    if not path.is_dir():
        raise PkuEvalError(f"data directory not found: {path}")
    return path


# ---------------------------------------------------------------- the build

def build(params_path: str | Path, data_dir: str | Path | None = None,
          out_dir: str | Path | None = None, jobs: int | None = None,
          force: bool = False, filter: dict | None = None,
          last: bool = False) -> BuildResult:
    """Build the report that ``params_path`` describes (docs/report-spec.md); ``filter``
    (``{"project": "klar"}`` or ``{"office": "moss"}``) overrides the params' filter.
    ``last``: no build of this command follows, so the workers and the kernel server stop
    once the chapters ran (their memory is not held while the report is assembled)."""
    t0 = time.perf_counter()
    if jobs is not None and not (isinstance(jobs, int) and 1 <= jobs <= 64):
        raise PkuEvalError(f"jobs: expected a whole number from 1 to 64, got {jobs!r}")
    plan = make_plan(params_path, data_dir, out_dir, filter)
    times = {"plan": time.perf_counter() - t0 - plan.data_seconds}
    chapters = list(plan.params.chapters)
    if not force and plan.up_to_date():
        log(f"{plan.label} up to date: nothing changed since the last build "
            f"({time.perf_counter() - t0:.2f} s)")
        return BuildResult(plan.out, plan.out / "report.html", plan.out / "results.json",
                           up_to_date=True, reused=chapters)
    from .text import catalogue

    catalogue()  # a broken text catalogue stops the build before any chapter runs
    from .deliver import PDF_SWITCH

    stage = plan.stage
    work = new_work_folder(plan.out)
    run = Runner(plan.params, work, stage, plan.data_path, plan.label, force, plan.previous, t0,
                 len(chapters))
    # imported while the last chapters run (when fewer kernels run than there are workers)
    run.tail = lambda: _preload("pku_eval.report", "pku_eval.privacy", "pku_eval.deliver_libs"
                                if os.environ.get(PDF_SWITCH, "1") != "0" else "openpyxl")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(chapters)))
    ok = False
    try:
        specs = {c: spec_of(c) for c in chapters}
        for wave in waves(chapters, specs):
            run.batch(wave, plan.components, jobs, reads_results={
                c: (lambda: _compare_hash(plan.params)) for c in wave if specs[c].reads_results})
        run.at_tail(0, 1)  # no chapter ran
        if last:
            close_pool()
        durations = {c: run.durations[c] for c in chapters}
        times.update(run.seconds)
        times["data"] += plan.data_seconds  # the part made while planning
        _assemble(work, plan.params, plan.data_hashes, durations, stage, times,
                  plan.out)
        (work / "build.json").write_text(json.dumps(
            {"key": plan.key, "chapters": plan.components}, indent=1), encoding="utf-8")
        shutil.rmtree(work / "logs", ignore_errors=True)
        with _timed(times, "publish"):
            _publish(work, plan.out)
            ok = True
            _after_publish(plan.out, stage)
        log(f"{plan.label} report written to {plan.out / 'report.html'} "
            f"({time.perf_counter() - t0:.1f} s; ran {len(run.ran)}, "
            f"reused {len(run.reused)})")
        log(summary_line(plan.label, times, run))
        return BuildResult(plan.out, plan.out / "report.html", plan.out / "results.json",
                           durations, ran=run.ran, reused=run.reused)
    except BuildError as exc:
        raise keep_failed(exc, plan.out, stage) from None
    finally:
        if not ok and work.exists():
            safety.remove_tree(work, safety.WORK)


#: The stages of the build summary, in order: build-process wall time of each.
STAGES = ("plan", "data", "kernel server", "chapters", "render", "id scan", "audit", "deliver",
          "publish")


class _timed:
    """``with _timed(times, "render"):`` adds the block's wall time to ``times["render"]``."""

    def __init__(self, times: dict, stage: str):
        self.times, self.stage = times, stage

    def __enter__(self):
        self.t = time.perf_counter()

    def __exit__(self, *exc):
        self.times[self.stage] = self.times.get(self.stage, 0.0) + time.perf_counter() - self.t


def summary_line(label: str, times: dict, run) -> str:
    """Where the time went: the wall time of each stage of the build, and inside the chapters
    the workers' time summed over the chapters that ran (kernel start, executing the cells,
    the rest: kernel shutdown and writing the notebook)."""
    parts = []
    for stage in (s for s in STAGES if s in times):
        part = f"{stage} {times[stage]:.2f} s"
        if stage == "chapters" and run.ran:
            inner = ", ".join(f"{k} {v:.1f} s" for k, v in run.stages.items())
            part += f" ({len(run.ran)} ran, {run.warm} in warm kernels; summed: {inner})"
            if run.cold_reasons:
                part += " (cold: " + "; ".join(sorted(run.cold_reasons)) + ")"
        parts.append(part)
    return f"{label} time: " + " · ".join(parts)


def _preload(*modules: str) -> None:
    """Import what assembling the report needs in a background thread (nbconvert and its
    dependencies take seconds to import), so that it overlaps with the chapters' run."""
    import importlib
    import threading

    from .execute import lean_imports

    lean_imports("main")

    def load():
        for name in modules:
            try:
                importlib.import_module(name)
            except (ImportError, OSError):  # the step that needs it says what to do
                pass

    threading.Thread(target=load, daemon=True).start()


def make_plan(params_path, data_dir, out_dir, filter) -> Plan:
    """Read and check the params, find the data, refuse an unsafe ``--out``, and work out what
    each chapter depends on (its cache key's components)."""
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
    out = safety.check_out_dir(out_dir if out_dir else config.REPORTS_DIR / params.out_name,
                               data_path)
    data_hashes = data_fingerprint(data_path)
    # #18: a receipt of this delivery beside the report folder, only when its content is new
    # there (a chapter that reads_receipts compares with the previous delivery from it)
    from .receipts import comparison_key, folder_beside, recorded

    stage = ProcessedStage(data_path, params, data_hashes, stage_code_key())
    seconds = 0.0
    if not recorded(data_path, out, data_hashes):  # reading a delivery: in a child process
        # a delivery new here: its data are prepared and chapters run, so the kernel server
        # starts now and imports its libraries while the receipt and the data are read (#19),
        # both in one child that reads and validates the delivery once
        kernel_server()
        t = time.perf_counter()
        stage.ensure(receipt=(str(data_path), str(out), data_hashes))
        seconds = time.perf_counter() - t
    # the whole package keys the report (its frame, the audit, …); each chapter is keyed on
    # the code it runs (code_keys), the processed data on the code that prepares them
    code, env = code_fingerprint(), env_fingerprint()
    chapters = list(params.chapters)
    from .mapping import contract_names, reads_file

    names = contract_names(data_path)  # an export mapped onto a contract file counts as it
    components: dict[str, dict] = {}
    receipts_read = None
    for i, name in enumerate(chapters):
        spec = spec_of(name)
        reads = spec.files()
        notebook = config.NOTEBOOKS_DIR / f"{name}.ipynb"
        components[name] = {
            "notebook": digest(notebook.read_bytes()),
            "params": digest(params.notebook_parameters(), i + 1),
            # only the files the chapter reads: a new SE log does not re-run the learning chapter
            "data": digest({f: h for f, h in data_hashes.items()
                            if reads_file(f, reads, names)}),
            "code": chapter_code_key(name, notebook), "packages": env,
        }
        if spec.reads_receipts:  # which receipts its comparison reads
            if receipts_read is None:
                receipts_read = comparison_key(folder_beside(out), data_hashes) or ""
            components[name]["receipts"] = receipts_read
    compare = _compare_hash(params)
    key = digest(CACHE_VERSION, components, params.notebook_parameters(), data_hashes, compare,
                 code, {"demo": is_demo(data_path)})  # the report says DEMO (or not)
    return Plan(params, data_path, out, data_hashes, stage, seconds, components,
                read_json(out / "build.json") or {}, key)


def _after_publish(out: Path, stage: ProcessedStage) -> None:
    """A published build mends an earlier failure and prunes the caches of other data."""
    failed = out.parent / f"{out.name}.failed"
    if safety.marked_as(failed) == safety.FAILED:
        safety.remove_tree(failed, safety.FAILED)
    prune_caches(stage.data_key)


def _compare_hash(params: Params) -> str | None:
    """Hash of the interim results.json the summary compares with (None when absent)."""
    if not params.compare_with:
        return None
    p = Path(params.compare_with)
    p = p if p.is_absolute() else config.PROJECT_ROOT / p
    return digest(p.read_bytes()) if p.is_file() else None


def _assemble(work: Path, params: Params, data_hashes: dict, durations: dict,
              stage: ProcessedStage, times: dict, out: Path) -> None:
    """results.json and report.html from the chapters' fragments and notebooks; id scan;
    the disclosure audit (of the report, and with the reports of its stage beside ``out``)."""
    from .privacy import check_outputs
    from .report import render
    from .results import merge, missing_keys, skeleton

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
    with _timed(times, "render"):
        page = render([work / "notebooks" / f"{c}.ipynb" for c in chapters], params,
                      data_hashes, durations, built, demo=is_demo(stage.data_path),
                      data_label=stage.data_path.name, reading=stage.reading(),
                      offices=_offices(stage))
        (work / "report.html").write_text(page, encoding="utf-8")
    shutil.rmtree(work / "fragments")
    (work / PARAMS_FILE).unlink(missing_ok=True)
    with _timed(times, "id scan"):
        check_outputs(work, stage.fingerprints())  # no id from the data leaves the build
    with _timed(times, "audit"):
        _audit(work, params, out)
    with _timed(times, "deliver"):
        _deliver(work, params)


def _deliver(work: Path, params: Params) -> None:
    """tables.xlsx and report.pdf, made from the checked report.html (pku_eval.deliver)."""
    from .deliver import deliver

    deliver(work, f"[{params.out_name}]")


def _offices(stage: ProcessedStage) -> list[str]:
    """The offices a report covers (its filter applied)."""
    from .store import read_table

    return sorted(map(str, read_table(stage.ensure() / "offices.parquet", ["office"])["office"]))


def _audit(work: Path, params: Params, out: Path) -> None:
    """The independent disclosure audit of what is about to be published (tables.json, the
    machine-readable record of every table, is written first); a finding refuses the build,
    naming the table and cell, never the value."""
    from .audit import audit_report, write_table_record

    write_table_record(work)
    found = audit_report(work, params.min_cell)
    if not found:   # and read together with the reports of this stage beside it
        found = _audit_set(work, out, params)
    if found:
        shown = "\n".join(f"  - {f.where}: {f.attack}" for f in found[:20])
        more = f"\n  ... and {len(found) - 20} more" if len(found) > 20 else ""
        raise PkuEvalError(f"the disclosure audit recovered {len(found)} hidden count(s), so "
                           f"nothing was published:\n{shown}{more}")


def _audit_set(work: Path, out: Path, params: Params) -> list:
    """The new report read with the other reports of its stage beside it that were built from
    the same data (the whole report, each project's, each office's)."""
    import json

    from .audit_set import audit_report_set, siblings

    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    others = siblings(out, results)
    if not others:
        return []
    found = audit_report_set([work, *others], params.min_cell, names={work: out.name})
    if found:
        from .audit import Finding

        found = [Finding(f.report, f"{f.report}: {f.where}",
                         f"{f.attack} (with {', '.join(d.name for d in others)}: a report "
                         "built by an earlier version of pku-eval may not have been decided "
                         "with this one; rebuild those reports)") for f in found]
    return found


def _publish(work: Path, out: Path) -> None:
    """Move a finished build into place; the previous report is replaced only now, and only
    when it is a report folder the suite made (checked again here)."""
    safety.check_out_dir(out)
    safety.mark(work, safety.REPORT)
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(work, out)
    if old.exists():
        safety.remove_tree(old, safety.REPORT)
    from .index_page import update_index

    update_index(out.parent)  # reports/index.html: every report folder there
