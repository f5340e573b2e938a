"""Running the chapters of one build: cached ones are reused, the others executed (each in a
kernel process of its own, driven by papermill from a thread of the build: ``execute``), new
results stored in the chapter cache; a failed chapter's notebook kept for debugging only when
it passes the id scan."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from . import config, safety
from .cache import CACHE_VERSION, code_fingerprint, digest, entry_path, log, reason, store_entry
from .chapters.spec import memory_order, spec_of
from .errors import BuildError
from .execute import ChapterOutcome, ChapterTask, default_scrub, import_papermill, run_chapter
from .params import Params, write_params

#: The resolved params of a stage, written in its work folder for the chapters to read.
PARAMS_FILE = "params.json"


def chapter_task(name: str, number: int, params: Params, workdir: Path, stage_dir: Path,
                 data_dir: Path, write: bool = True,
                 kernel_server: str | None = None) -> ChapterTask:
    """What a worker needs to run chapter ``name`` into ``workdir/notebooks`` (absolute paths
    only: nothing depends on a working directory)."""
    frag = workdir / "fragments" / f"{name}.json"
    params_file = workdir / PARAMS_FILE
    if write and not params_file.exists():
        write_params(params, params_file)
    parameters = dict(params_file=str(params_file), stage_file=str(stage_dir),
                      results_file=str(frag), fragments_dir=str(frag.parent),
                      chapter_number=number, data_dir=str(data_dir))
    return ChapterTask(
        name=name, parameters=parameters,
        notebook_in=str(config.NOTEBOOKS_DIR / f"{name}.ipynb"),
        notebook_out=str(workdir / "notebooks" / f"{name}.ipynb"),
        log_file=str(workdir / "logs" / f"{name}.log"),
        scrub=default_scrub((workdir, "<build>"), (stage_dir, "<processed>"),
                            (data_dir, "<data>")),
        kernel_server=kernel_server)


def new_work_folder(out: Path) -> Path:
    """A fresh, marked work folder beside ``out`` (a leftover of this pid is ours: marked)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.building-{os.getpid()}"
    if work.exists():
        safety.remove_tree(work, safety.WORK)
    safety.mark(work, safety.WORK)
    for sub in ("notebooks", "fragments", "logs"):
        (work / sub).mkdir()
    return work


_POOL: dict = {}


def worker_pool(jobs: int):
    """The build's chapter threads (``jobs`` of them, made once per command and reused by every
    wave and stage). A chapter's code runs in its kernel, a process of its own; the thread only
    drives it with papermill, so no worker process holds another copy of papermill (#19)."""
    from concurrent.futures import ThreadPoolExecutor

    if _POOL.get("jobs") != jobs:
        close_pool(server=False)
        _POOL.update(jobs=jobs, pool=ThreadPoolExecutor(max_workers=jobs,
                                                        thread_name_prefix="pku-eval-chapter"))
    return _POOL["pool"]


def close_pool(server: bool = True, interrupted: bool = False) -> None:
    """Stop the chapter threads (after an interruption or a change of --jobs) and the kernel
    server; ``interrupted``: end the kernels of the chapters still running first (their
    threads then return at once)."""
    from .kernel import stop_running

    pool = _POOL.pop("pool", None)
    _POOL.pop("jobs", None)
    if pool is not None:
        if interrupted:
            stop_running()
        pool.shutdown(wait=True, cancel_futures=True)
    if server:
        stop_kernel_server()


def kernel_server():
    """The command's kernel server (warm kernels: ``pku_eval.kernel``), started once and
    reused by every wave and stage like the workers; started again when the package's code
    changed (a kernel must run the code of now). None when ``PKU_EVAL_WARM=0``."""
    import atexit

    from . import kernel

    if not kernel.enabled():
        return None
    key = code_fingerprint()
    server = _POOL.get("server")
    if server is not None and (server.key != key or server.proc.poll() is not None):
        stop_kernel_server()
        server = None
    if server is None:
        server = _POOL["server"] = kernel.KernelServer(key)
        atexit.register(stop_kernel_server)
    return server


def stop_kernel_server() -> None:
    server = _POOL.pop("server", None)
    if server is not None:
        server.stop()


class Runner:
    """Runs the chapters of one build: reuses cached ones, executes the others (each in a kernel
    of its own, driven from a chapter thread: ``execute``), stores new entries."""

    def __init__(self, params, work, stage, data_path, label, force, previous, t0, n):
        self.params, self.work, self.stage, self.data_path = params, work, stage, data_path
        self.label, self.force, self.t0, self.n = label, force, t0, n
        self.previous = (previous.get("chapters") or {})
        self.durations: dict[str, float] = {}
        #: seconds per stage of the chapters run here, summed over chapters (execute.py)
        self.stages: dict[str, float] = {}
        #: wall time of preparing the data, of waiting for the kernel server (beyond that),
        #: and of the chapter runs
        self.seconds = {"data": 0.0, "kernel server": 0.0, "chapters": 0.0}
        self.warm = 0
        self.cold_reasons: set[str] = set()
        self.ran: list[str] = []
        self.reused: list[str] = []
        self.keys: set[str] = set()
        self.done = 0
        #: called once when fewer chapters run than ``jobs`` (the tail of the run, or a wave
        #: smaller than ``jobs``): the build imports what it assembles the report with then,
        #: not while every chapter thread's kernel holds its memory
        self.tail: Callable[[], object] | None = None

    def batch(self, names: list[str], components: dict, jobs: int,
              reads_results: dict[str, Callable[[], object]] | None = None) -> None:
        """Run ``names`` (in parallel up to ``jobs``). ``reads_results``: for the chapters that
        read the other chapters' results, what else they depend on (added to their cache key
        with the results written so far)."""
        if not names:
            return
        todo = []
        reads_results = reads_results or {}
        for name in names:
            comp = dict(components[name])
            if name in reads_results:
                comp["results read"] = digest(reads_results[name](), sorted(
                    (p.name, p.read_bytes()) for p in (self.work / "fragments").glob("*.json")))
            components[name] = comp
            key = digest(CACHE_VERSION, comp)
            self.keys.add(key)
            if not self.force and self._reuse(name, key):
                continue
            why = "forced" if self.force else reason(comp, self.previous.get(name))
            log(f"{self.label} {name}: running ({why})")
            todo.append((name, key))
        if todo:
            self._execute(todo, jobs)

    def _reuse(self, name: str, key: str) -> bool:
        entry = entry_path(key)
        if not (entry / "meta.json").exists():
            return False
        shutil.copy2(entry / "notebook.ipynb", self.work / "notebooks" / f"{name}.ipynb")
        if (entry / "fragment.json").exists():
            shutil.copy2(entry / "fragment.json", self.work / "fragments" / f"{name}.json")
        self.durations[name] = json.loads((entry / "meta.json").read_text())["seconds"]
        self.done += 1
        self.reused.append(name)
        log(f"{self.label} {self.done}/{self.n} {name}: reused (unchanged)")
        return True

    def _execute(self, todo: list[tuple[str, str]], jobs: int) -> None:
        from concurrent.futures import as_completed

        from .kernel import memory_env

        memory_env()  # before any process of the build starts
        server = kernel_server()  # starts while the data are prepared
        pool = worker_pool(jobs)
        pool.submit(import_papermill)  # while the data are prepared
        t = time.perf_counter()
        stage_dir = self.stage.ensure()
        self.seconds["data"] += time.perf_counter() - t
        t = time.perf_counter()
        socket = None
        if server is None:
            self.cold_reasons.add("PKU_EVAL_WARM=0")
        elif server.ready():  # waits only for what the data preparation did not cover
            socket = server.path
        else:
            self.cold_reasons.add("the kernel server did not start")
        self.seconds["kernel server"] += time.perf_counter() - t
        t = time.perf_counter()
        order = [name for name, _ in todo]
        tasks = {name: chapter_task(name, self.params.chapters.index(name) + 1, self.params,
                                    self.work, stage_dir, self.data_path,
                                    kernel_server=socket) for name in order}
        keys = dict(todo)
        failures: list[ChapterOutcome] = []
        start = memory_order(order, {name: spec_of(name) for name in order})
        futures = [pool.submit(run_chapter, tasks[name]) for name in start]
        try:
            self.at_tail(len(futures), jobs)
            for left, fut in enumerate(as_completed(futures), 1):
                self.at_tail(len(futures) - left, jobs)
                outcome = fut.result()
                if outcome.ok:
                    self._finished(outcome, keys[outcome.name])
                else:
                    failures.append(outcome)
        except BaseException:
            for fut in futures:
                fut.cancel()
            close_pool(interrupted=True)
            raise
        finally:
            self.seconds["chapters"] += time.perf_counter() - t
        if failures:
            first = min(failures, key=lambda o: order.index(o.name))
            tail = "\n".join(f"  | {line}" for line in first.log_tail)
            raise BuildError(first.name, first.cell, first.message, first.traceback
                             + (f"\nkernel output:\n{tail}" if tail else ""),
                             notebook=tasks[first.name].notebook_out)

    def at_tail(self, running: int, jobs: int) -> None:
        """Call :attr:`tail` (once) when ``running`` chapters are fewer than ``jobs``."""
        if self.tail is not None and running < jobs:
            tail, self.tail = self.tail, None
            tail()

    def _finished(self, outcome: ChapterOutcome, key: str) -> None:
        name = outcome.name
        store_entry(key, self.work / "notebooks" / f"{name}.ipynb",
                     self.work / "fragments" / f"{name}.json",
                     {"seconds": outcome.seconds, "chapter": name,
                      "made_from": self.stage.data_key})
        self.durations[name] = outcome.seconds
        for stage, secs in outcome.stages.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + secs
        self.warm += outcome.warm
        if outcome.cold_reason:
            self.cold_reasons.add(outcome.cold_reason)
        self.done += 1
        self.ran.append(name)
        log(f"{self.label} {self.done}/{self.n} {name}: ran in {outcome.seconds:.1f} s "
            f"(elapsed {time.perf_counter() - self.t0:.0f} s)")


def keep_failed(exc: BuildError, out: Path, stage) -> BuildError:
    """Keep a failed chapter's notebook in ``<out>.failed/`` for debugging: with its outputs
    only when they pass the id scan, otherwise stripped of outputs (and it says so)."""
    from .privacy import strip_if_ids

    failed = out.parent / f"{out.name}.failed"
    if not (exc.notebook and Path(exc.notebook).exists()):
        return exc
    if failed.exists() or failed.is_symlink():
        try:
            safety.remove_tree(failed, safety.FAILED)
        except safety.UnsafePathError:
            return BuildError(exc.chapter, exc.cell, exc.message + f" (the failed notebook "
                              f"was not kept: {failed} exists and pku-eval did not make it)",
                              exc.traceback)
    safety.mark(failed, safety.FAILED)
    kept = failed / Path(exc.notebook).name
    shutil.copy2(exc.notebook, kept)
    note = ""
    if strip_if_ids(kept, stage.fingerprints()):
        note = (" (its outputs held an id from the data, so they were removed; run the "
                "chapter in JupyterLab to see them)")
    return BuildError(exc.chapter, exc.cell, exc.message + note, exc.traceback,
                      notebook=str(kept))
