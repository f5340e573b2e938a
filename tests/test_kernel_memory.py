"""What keeps the memory of a build low (#19): the build process imports nothing heavy before
its chapters' tail, papermill drives the chapters' kernels from threads of the build (no worker
process holds another copy of it) and is imported without what it never uses, the processes
of a build use the system allocator for Arrow and at most two malloc arenas, the receipt of a
new delivery is read in a child process. Memory itself is measured in the benchmark
(bench/bench.py), not here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pku_eval import kernel, runner
from pku_eval.execute import UNUSED, ChapterTask, lean_imports, run_chapter
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


def test_the_build_process_imports_papermill_without_numpy_and_pyarrow():
    # papermill's HDFS support would import numpy and pyarrow (pyarrow.fs) while the kernels
    # run; a later step of the build still imports pyarrow.fs as usual
    out = _in_fresh_python(
        "import sys\nfrom pku_eval.execute import import_papermill\nimport_papermill()\n"
        "import papermill\nfrom pku_eval.kernel import kernel_manager_class\n"
        "kernel_manager_class(None, 2)\n"
        "print(sorted(m for m in ('rfc3987_syntax', 'pyarrow', 'numpy', 'pandas') "
        "if sys.modules.get(m) is not None))\n"
        "import pyarrow.fs\nprint(sys.modules['pyarrow.fs'] is not None)")
    assert out.splitlines() == ["[]", "True"]


def test_chapters_run_in_threads_of_the_build_not_in_worker_processes():
    from concurrent.futures import ThreadPoolExecutor

    pool = runner.worker_pool(2)
    try:
        assert isinstance(pool, ThreadPoolExecutor)
        assert runner.worker_pool(2) is pool  # made once per command
    finally:
        runner.close_pool(server=False)


def test_an_interrupted_build_ends_the_kernels_of_the_running_chapters():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])

    class Provisioner:  # what stop_running reads of a kernel's provisioner
        process = proc

    kernel.RUNNING.add(Provisioner)
    try:
        kernel.stop_running()
        assert proc.wait(timeout=10) != 0
    finally:
        kernel.RUNNING.discard(Provisioner)
        if proc.poll() is None:
            proc.kill()


@pytest.mark.slow
def test_a_chapters_kernel_writes_to_its_log_not_to_the_build(tmp_path, capfd):
    # chapters run in threads: the kernel gets the log, the build's descriptors stay its own
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import os\nos.write(2, b'kernel-stderr\\n')\n"
                                          "os.write(1, b'kernel-stdout\\n')")]
    nbformat.write(nb, tmp_path / "in.ipynb")
    task = ChapterTask(name="log", parameters={}, notebook_in=str(tmp_path / "in.ipynb"),
                       notebook_out=str(tmp_path / "out.ipynb"),
                       log_file=str(tmp_path / "log.txt"))
    outcome = run_chapter(task)
    assert outcome.ok, outcome
    log = Path(task.log_file).read_text(encoding="utf-8")
    assert "kernel-stderr" in log and "kernel-stdout" in log
    captured = capfd.readouterr()
    assert "kernel-std" not in captured.out + captured.err
    assert not kernel.RUNNING  # the kernel ended with its chapter


def test_the_arrow_pool_is_set_for_the_build_unless_the_user_chose_one(monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    kernel.memory_env()
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    assert os.environ["MALLOC_ARENA_MAX"] == "2"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    kernel.memory_env()
    assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    assert all(k.startswith(kernel.IMPORT_ENV) for k in kernel.MEMORY_ENV)  # warm == cold


def test_the_server_can_give_back_its_library_pages_and_run_on():
    # MADV_PAGEOUT on the file mappings: what runs afterwards reads the pages back
    out = _in_fresh_python(
        "import json, decimal\nfrom pku_eval import kernel\nkernel._drop_file_pages()\n"
        "import statistics\nprint(json.dumps(str(decimal.Decimal(1) / 8)), "
        "statistics.mean([1, 2, 3]))")
    assert out == '"0.125" 2'


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


def test_the_heaviest_chapter_runs_beside_the_lightest():
    """Chapters in parallel start heaviest first, then from the lightest up: with two jobs
    the survey chapter (the heaviest and longest) runs beside the light ones, and the heavy
    ones meet only after it (measured: the peak of the two-job build fell by 15–20 MB)."""
    from pku_eval.chapters.spec import ChapterSpec, memory_order, spec_of

    specs = {"a": ChapterSpec(memory_mb=50), "b": ChapterSpec(memory_mb=90),
             "c": ChapterSpec(), "d": ChapterSpec(memory_mb=120), "e": ChapterSpec(memory_mb=30)}
    assert memory_order(list(specs), specs) == ["d", "e", "a", "b", "c"]
    assert memory_order(["c"], specs) == ["c"]
    final = ["data_quality", "participants", "survey_waves", "employment", "se_practice",
             "learning_system", "employers", "kor", "actors", "codebook"]
    order = memory_order(final, {c: spec_of(c) for c in final})
    assert order[0] == "survey_waves" and order[1] == "codebook" and sorted(order) == sorted(final)
    assert all(spec_of(c).memory_mb for c in final + ["summary"])  # each measured



def test_a_child_of_the_build_is_a_fresh_python_named_by_its_function():
    """pku_eval.child: the function runs in a child Python (its memory goes back to the
    system when it ends), which names the function last on its command line (ps, the
    benchmark's list of the processes at the peak); its exception reaches the caller."""
    from pku_eval.child import in_child

    assert in_child(os.getppid) == os.getpid()
    assert in_child(eval, "__import__('sys').argv[-1]") == "builtins.eval"
    with pytest.raises(ValueError, match="invalid literal"):
        in_child(int, "x")


def test_a_build_kernel_gives_back_freed_memory_after_each_cell():
    """A chapter opened in a build (stage_file) registers, once, the garbage collection and
    malloc_trim after each cell; values are not touched (the warm/cold identity test runs
    builds with it)."""
    from IPython.core.interactiveshell import InteractiveShell

    from pku_eval.chapter import give_back_after_cells
    from pku_eval.execute import give_back

    shell = InteractiveShell.instance()
    try:
        give_back_after_cells()
        give_back_after_cells()
        assert shell.events.callbacks["post_run_cell"].count(give_back) == 1
        result = shell.run_cell("x = [list(range(1000)) for _ in range(1000)]; del x; 6 * 7")
        assert result.success and result.result == 42
        give_back(result)  # as IPython calls it after a cell (it swallows a callback's error)
    finally:
        InteractiveShell.clear_instance()


def test_a_chapter_opened_in_a_build_registers_it_and_one_run_alone_does_not(demo_dir,
                                                                              tmp_path):
    from IPython.core.interactiveshell import InteractiveShell

    from pku_eval import chapter
    from pku_eval.execute import give_back
    from pku_eval.processed import _prepare_stage

    stage = tmp_path / "stage"
    assert _prepare_stage(str(demo_dir), "2017-06-30", None, str(stage), "k") is None
    shell = InteractiveShell.instance()
    try:
        chapter.start("codebook", data_dir=str(demo_dir))  # run alone (JupyterLab)
        assert give_back not in shell.events.callbacks["post_run_cell"]
        chapter.start("codebook", stage_file=str(stage),
                      results_file=str(tmp_path / "codebook.json"))  # in a build
        assert give_back in shell.events.callbacks["post_run_cell"]
    finally:
        InteractiveShell.clear_instance()
