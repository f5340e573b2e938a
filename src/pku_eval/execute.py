"""Running one chapter notebook: papermill drives its kernel from a thread of the build process.

The chapter's code runs in its kernel, a process of its own; what runs in the build process is
papermill's side only (sending the cells, collecting the outputs, writing the notebook), so
chapters run in threads of the build, one thread per chapter that runs at the same time: no
worker process holds a second copy of papermill, nbclient and jupyter_client (#19: memory).
Nothing here depends on process-wide state: paths are absolute, papermill gets no ``cwd=``
(it would ``os.chdir``), its local file handler is replaced by one that never changes the
working directory (papermill's own changes it to the current one around every read and write,
process-wide, from whichever thread: :func:`_local_files_without_chdir`), and the kernel gets its working directory from the kernel launch; the
kernel's stdout and stderr go to a per-chapter log (handed to the kernel, never by redirecting
the build's own descriptors) that the build shows only when the chapter fails. The kernel talks
over local IPC sockets (no TCP port, nothing to warn about). A chapter hands back a typed
outcome, never an exception object, with the time of each stage (kernel start, execution, the
rest).

With a kernel server (``pku_eval.kernel``), the kernel is forked from a process that has the
heavy imports done (a warm kernel); without one it is started cold.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config


@dataclass(frozen=True)
class ChapterTask:
    """What a worker needs to run one chapter (plain, picklable values)."""

    name: str
    parameters: dict
    notebook_in: str
    notebook_out: str
    log_file: str
    #: (absolute path, placeholder) pairs replaced in the executed notebook
    scrub: tuple[tuple[str, str], ...] = ()
    #: the socket of the build's kernel server (warm kernels); None: a cold kernel
    kernel_server: str | None = None


@dataclass(frozen=True)
class ChapterOutcome:
    """How a chapter run ended."""

    name: str
    seconds: float
    ok: bool
    cell: int | None = None
    message: str = ""
    traceback: str = ""
    log_tail: list[str] = field(default_factory=list)
    #: seconds per stage: "kernel" (start until ready), "execute" (the cells), "finish"
    #: (kernel shutdown, writing the notebook, scrubbing paths)
    stages: dict[str, float] = field(default_factory=dict)
    #: the kernel was forked warm from the kernel server
    warm: bool = False
    #: why it was not (empty when warm or when no server was asked)
    cold_reason: str = ""


def scrub_paths(path: Path, pairs) -> None:
    """Replace absolute paths of this machine in a notebook file by placeholders, so that a
    published notebook carries no path of the user's machine."""
    path = Path(path)
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    for old, new in sorted(pairs, key=lambda p: -len(p[0])):
        if old and len(old) > 1:
            text = text.replace(json.dumps(old)[1:-1], new)
    path.write_text(text, encoding="utf-8")


def default_scrub(*paths: tuple[Path | str, str]) -> tuple[tuple[str, str], ...]:
    """The path → placeholder pairs of a build: the given ones plus the project and home."""
    pairs = [(str(p), name) for p, name in paths if p]
    pairs += [(str(config.PROJECT_ROOT), "<project>"), (str(Path.home()), "~")]
    return tuple(pairs)


#: Optional modules that the libraries of a build process try to import and that the build
#: never uses, left out (``None`` in ``sys.modules`` makes their import fail as if they were
#: not installed): jsonschema's checker of the ``iri`` format (``rfc3987_syntax`` builds a
#: grammar when imported: 2 s and 16 MB in each process that imports nbformat; nbformat's
#: schemas use no format checker), and papermill's HDFS support (``pyarrow.fs``: numpy and
#: pyarrow, 25 MB; the build reads and writes local files only) in a process that only runs
#: papermill ("worker"; the build process leaves it out only while it imports papermill:
#: :func:`import_papermill`).
UNUSED = {"rfc3987_syntax": ("main", "worker"), "pyarrow.fs": ("worker",)}


def lean_imports(role: str = "worker") -> None:
    """Leave out :data:`UNUSED` in a build process (``role``: "main" or "worker"); never in
    a kernel, which imports what a cold one does."""
    import sys

    for name, roles in UNUSED.items():
        if role in roles:
            sys.modules.setdefault(name, None)  # type: ignore[assignment]


def give_back(*_) -> None:
    """Return to the system the memory a finished chapter's notebook held in this process
    (the allocator keeps freed memory otherwise, while other chapters' kernels run); also
    called after each cell in a build's kernel (:func:`pku_eval.chapter.give_back_after_cells`,
    which IPython calls with the cell's result)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def import_papermill() -> None:
    """Import what running a chapter needs (in the build process, while the data are prepared,
    so that the first chapter does not wait for it), leaving out what it never uses:
    :data:`UNUSED` of a build process, and papermill's HDFS support while papermill is
    imported (``pyarrow.fs`` pulls in numpy and pyarrow: 25 MB while the kernels run; a later
    step that needs ``pyarrow.fs`` imports it as usual)."""
    import sys

    lean_imports("main")
    blocked = "pyarrow.fs" not in sys.modules
    if blocked:
        sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]
    try:
        import papermill  # noqa: F401
        import papermill.iorw  # noqa: F401
        from jupyter_client.manager import AsyncKernelManager  # noqa: F401
    finally:
        if blocked and "pyarrow.fs" in sys.modules and sys.modules["pyarrow.fs"] is None:
            del sys.modules["pyarrow.fs"]

    from . import kernel  # noqa: F401

    _local_files_without_chdir()


def _local_files_without_chdir() -> None:
    """papermill's handler of local files, without its ``os.chdir`` around every read and
    write (to the directory that was current when ``execute_notebook`` began: with chapters in
    threads, a process-wide change from several threads at once). The build's paths are
    absolute, so the change was never needed."""
    import os

    from papermill.iorw import LocalHandler, papermill_io

    class NoChdirLocalHandler(LocalHandler):
        def cwd(self, new_path):  # papermill sets it around each run: kept at None
            return None

        def read(self, path):
            with open(path, encoding="utf-8") as f:
                return f.read()

        def listdir(self, path):
            return [os.path.join(path, fn) for fn in os.listdir(path)]

        def write(self, buf, path):
            dirname = os.path.dirname(path)
            if dirname and not os.path.exists(dirname):
                raise FileNotFoundError(f"output folder {dirname} doesn't exist.")
            with open(path, "w", encoding="utf-8") as f:
                f.write(buf)

    # replaced where it stands: papermill falls back to the last "local" handler it holds
    handlers = papermill_io._handlers
    if not any(type(h).__name__ == "NoChdirLocalHandler" for s, h in handlers if s == "local"):
        mine = NoChdirLocalHandler()
        papermill_io._handlers = [(s, mine if s == "local" else h) for s, h in handlers]


def run_chapter(task: ChapterTask) -> ChapterOutcome:
    """Execute ``task`` with papermill in this process (any thread: nothing process-wide
    changes), its kernel's output going to ``task.log_file``."""
    import papermill as pm

    from .kernel import kernel_manager_class

    _local_files_without_chdir()

    start = time.perf_counter()
    marks: dict[str, float] = {}
    log = open(task.log_file, "ab")  # noqa: SIM115  (the kernel's stdout and stderr)
    manager = kernel_manager_class(task.kernel_server, log.fileno())
    outcome: ChapterOutcome

    def ready(**_):
        marks["ready"] = time.perf_counter()

    def executed(**_):
        marks["complete"] = time.perf_counter()

    try:
        pm.execute_notebook(
            task.notebook_in, task.notebook_out, parameters=task.parameters,
            kernel_name=config.KERNEL_NAME, progress_bar=False, log_output=False,
            resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}},
            kernel_manager_class=manager, on_notebook_start=ready, on_cell_executed=executed)
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, True)
    except pm.PapermillExecutionError as exc:
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, False,
                                 cell=exc.exec_count, message=f"{exc.ename}: {exc.evalue}",
                                 traceback="\n".join(exc.traceback))
    except Exception as exc:  # noqa: BLE001  (a kernel that died or could not start)
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, False,
                                 message=f"{type(exc).__name__}: {exc}")
    finally:
        log.close()
    scrub_paths(Path(task.notebook_out), task.scrub)
    end = time.perf_counter()
    t_ready = marks.get("ready", end)
    t_done = marks.get("complete", end)
    stages = {"kernel": t_ready - start, "execute": max(0.0, t_done - t_ready),
              "finish": max(0.0, end - t_done)}
    tail = []
    if not outcome.ok:
        tail = Path(task.log_file).read_text(encoding="utf-8", errors="replace").splitlines()
    give_back()
    return ChapterOutcome(outcome.name, end - start, outcome.ok, outcome.cell, outcome.message,
                          outcome.traceback, tail[-20:], stages, True in manager.launched,
                          next((str(r) for r in manager.launched if r is not True), ""))
