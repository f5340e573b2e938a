"""Running one chapter notebook, in a worker process of its own.

papermill changes process-wide state while it runs (the working directory of reads, writes and
``cwd=``), so chapters never run in threads of the build: each runs in a worker process, one
chapter at a time, with absolute paths, and its kernel gets its working directory from the
kernel launch (not from ``os.chdir``). The kernel talks over local IPC sockets (no TCP port,
nothing to warn about), and whatever the kernel and papermill print goes to a per-chapter log
that the build shows only when the chapter fails. The worker hands back a typed outcome, never
an exception object.
"""

from __future__ import annotations

import json
import os
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


def _kernel_manager_class():
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class LocalKernelManager(AsyncKernelManager):
        """A kernel reached over IPC sockets (files in the temporary folder, given as absolute
        paths: client and kernel run in different folders), never a TCP port."""

        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ip_default(self):
            return str(Path(tempfile.gettempdir()) / f"pku-eval-kernel-{uuid.uuid4().hex[:12]}")

    return LocalKernelManager


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


def run_chapter(task: ChapterTask) -> ChapterOutcome:
    """Execute ``task`` with papermill in this process (a worker of the build)."""
    import papermill as pm

    start = time.perf_counter()
    log = open(task.log_file, "ab")  # noqa: SIM115  (its descriptor stands in for 1 and 2)
    saved = [os.dup(1), os.dup(2)]
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    outcome: ChapterOutcome
    try:
        pm.execute_notebook(
            task.notebook_in, task.notebook_out, parameters=task.parameters,
            kernel_name=config.KERNEL_NAME, progress_bar=False, log_output=False,
            resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}},
            kernel_manager_class=_kernel_manager_class())
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, True)
    except pm.PapermillExecutionError as exc:
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, False,
                                 cell=exc.exec_count, message=f"{exc.ename}: {exc.evalue}",
                                 traceback="\n".join(exc.traceback))
    except Exception as exc:  # noqa: BLE001  (a kernel that died or could not start)
        outcome = ChapterOutcome(task.name, time.perf_counter() - start, False,
                                 message=f"{type(exc).__name__}: {exc}")
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        log.close()
    scrub_paths(Path(task.notebook_out), task.scrub)
    if not outcome.ok:
        tail = Path(task.log_file).read_text(encoding="utf-8", errors="replace").splitlines()
        outcome = ChapterOutcome(outcome.name, outcome.seconds, False, outcome.cell,
                                 outcome.message, outcome.traceback, tail[-20:])
    return outcome
