"""What keeps the memory of a build low (#19): the build process imports nothing heavy before
its chapters' tail, the workers leave out optional modules they never use, the processes of a
build use the system allocator for Arrow, the receipt of a new delivery is read in a child
process. Memory itself is measured in the benchmark (bench/bench.py), not here."""

from __future__ import annotations

import os
import subprocess
import sys

from pku_eval import kernel
from pku_eval.execute import UNUSED, lean_imports
from pku_eval.runner import Runner


def _in_fresh_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_worker_leaves_out_what_it_never_uses_and_still_runs_papermill():
    out = _in_fresh_python(
        "import sys\nfrom pku_eval.execute import lean_imports\nlean_imports('worker')\n"
        "import papermill, nbformat\n"
        "print(sorted(m for m in ('rfc3987_syntax', 'pyarrow', 'numpy', 'pandas') "
        "if sys.modules.get(m) is not None))")
    assert out == "[]"


def test_the_build_process_leaves_out_only_what_no_step_of_it_needs():
    out = _in_fresh_python(
        "import sys\nfrom pku_eval.execute import lean_imports\nlean_imports('main')\n"
        "import pyarrow.fs\nprint(sys.modules.get('rfc3987_syntax'), "
        "sys.modules['pyarrow.fs'] is not None)")
    assert out == "None True"
    assert all(roles and set(roles) <= {"main", "worker"} for roles in UNUSED.values())


def test_lean_imports_never_replaces_a_module_already_imported(monkeypatch):
    sentinel = object()
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sentinel)
    before = set(sys.modules)
    try:
        lean_imports("worker")
        assert sys.modules["rfc3987_syntax"] is sentinel
    finally:  # this test process must keep importing what it left out (pyarrow.fs)
        for name in set(sys.modules) - before:
            if sys.modules[name] is None:
                del sys.modules[name]


def test_the_arrow_pool_is_set_for_the_build_unless_the_user_chose_one(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    kernel.memory_env()
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    kernel.memory_env()
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    assert all(k.startswith(kernel.IMPORT_ENV) for k in kernel.MEMORY_ENV)  # warm == cold


def test_the_tail_is_called_once_when_fewer_chapters_run_than_workers():
    run = Runner.__new__(Runner)
    calls = []
    run.tail = lambda: calls.append(1)
    run.at_tail(2, 2)  # every worker busy: not yet
    assert calls == []
    run.at_tail(1, 2)
    run.at_tail(0, 2)
    assert calls == [1] and run.tail is None


def test_the_kernel_server_preloads_what_every_kernel_imports_when_it_starts():
    # a module every kernel imports is shared with the server's pages only if preloaded
    assert {"ipykernel.kernelapp", "ipykernel.debugger", "sqlite3"} <= set(kernel.HEAVY)
