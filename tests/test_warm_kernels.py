"""Warm kernels (pku_eval.kernel): forked from a server that did the heavy imports once, they
give the same results and notebooks as cold kernels, see nothing of another chapter's state,
and a kernel that crashes takes no other down."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pku_eval import config, kernel
from pku_eval.execute import ChapterTask, run_chapter

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    srv = kernel.KernelServer("test")
    assert srv.ready(), "the kernel server did not start"
    yield srv
    srv.stop()


def notebook(path: Path, *cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return str(path)


def run(tmp_path: Path, name: str, server: str | None, *cells: str):
    task = ChapterTask(name=name, parameters={}, notebook_in=notebook(tmp_path / f"{name}-in.ipynb",
                                                                      *cells),
                       notebook_out=str(tmp_path / f"{name}.ipynb"),
                       log_file=str(tmp_path / f"{name}.log"), kernel_server=server)
    outcome = run_chapter(task)
    out = nbformat.read(task.notebook_out, 4) if Path(task.notebook_out).exists() else None
    return outcome, out


def text(nb, i: int = -1) -> str:
    return "".join(o.get("text", "") for o in nb.cells[i].outputs)


def test_a_warm_kernel_has_the_imports_and_no_other_chapters_state(server, tmp_path):
    first, nb = run(tmp_path, "one", server.path,
                    "import sys, builtins\nprint('pandas' in sys.modules)",
                    "builtins.LEAK = 1\nimport pandas as pd\npd.set_option('display.width', 7)\n"
                    "sys.modules['pku_leak'] = sys")
    assert first.ok and first.warm, first
    assert text(nb, 0).strip() == "True"  # imported before the chapter started
    second, nb = run(tmp_path, "two", server.path,
                     "import sys, builtins, os\nimport pandas as pd\n"
                     "print(hasattr(builtins, 'LEAK'), 'pku_leak' in sys.modules, "
                     "pd.get_option('display.width'), os.getcwd())")
    assert second.ok and second.warm
    leak, module, width, cwd = text(nb).split()
    assert (leak, module) == ("False", "False")
    assert width == "80"
    assert cwd == str(config.NOTEBOOKS_DIR)  # the kernel's own working directory
    assert second.stages["kernel"] >= 0 and second.stages["execute"] >= 0


def test_a_crashing_kernel_takes_no_other_down(server, tmp_path):
    crashed, _ = run(tmp_path, "crash", server.path, "import os, signal\n"
                     "os.kill(os.getpid(), signal.SIGKILL)")
    assert not crashed.ok and crashed.warm
    again, nb = run(tmp_path, "after", server.path, "print(6 * 7)")
    assert again.ok and again.warm and text(nb).strip() == "42"
    assert server.proc.poll() is None


def test_without_a_server_the_kernel_is_cold(tmp_path):
    outcome, nb = run(tmp_path, "cold", None, "import sys\nprint('pandas' in sys.modules)")
    assert outcome.ok and not outcome.warm and text(nb).strip() == "False"
    outcome, _ = run(tmp_path, "gone", str(tmp_path / "no-such-socket"), "1")
    assert outcome.ok and not outcome.warm and outcome.cold_reason == "no kernel server"


def _strip(nb: dict) -> dict:
    """A notebook without what differs between any two runs: timings, execution metadata and
    the random id papermill gives the cell of injected parameters."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"].pop("papermill", None)
    for cell in nb["cells"]:
        for key in ("papermill", "execution"):
            cell["metadata"].pop(key, None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)
    return nb


def test_warm_and_cold_builds_are_identical(demo_dir, tmp_path):
    """The demo final report built with warm kernels and with cold ones (PKU_EVAL_WARM=0),
    each with caches of its own: results.json and every executed notebook identical, apart
    from timings."""
    out = {}
    for mode in ("1", "0"):
        env = dict(os.environ, PKU_EVAL_WARM=mode, PKU_EVAL_PDF="0",
                   PKU_EVAL_CACHE_DIR=str(tmp_path / f"cache{mode}"),
                   PKU_EVAL_PROCESSED_DIR=str(tmp_path / f"processed{mode}"))
        res = subprocess.run([sys.executable, "-m", "pku_eval.cli", "build",
                              str(config.PARAMS_DIR / "final.yml"), "--data", str(demo_dir),
                              "--out", str(tmp_path / f"out{mode}")],
                             check=False, capture_output=True, text=True, timeout=1800,
                             env=env)
        assert res.returncode == 0, res.stderr[-3000:]
        ran = len(json.loads((tmp_path / f"out{mode}" / "build.json").read_text())["chapters"])
        warm = "in warm kernels" in res.stderr and f"{ran} in warm kernels" in res.stderr
        assert warm == (mode == "1"), res.stderr[-2000:]
        out[mode] = tmp_path / f"out{mode}"
    warm, cold = out["1"], out["0"]
    assert (warm / "results.json").read_bytes() == (cold / "results.json").read_bytes()
    names = sorted(p.name for p in (cold / "notebooks").glob("*.ipynb"))
    assert names == sorted(p.name for p in (warm / "notebooks").glob("*.ipynb")) and names
    for name in names:
        a = _strip(json.loads((warm / "notebooks" / name).read_text(encoding="utf-8")))
        b = _strip(json.loads((cold / "notebooks" / name).read_text(encoding="utf-8")))
        if a != b:
            diff = difflib.unified_diff(json.dumps(b, indent=1).splitlines(),
                                        json.dumps(a, indent=1).splitlines(), "cold", "warm",
                                        lineterm="", n=1)
            raise AssertionError(f"{name}:\n" + "\n".join(line[:200] for line in
                                                            list(diff)[:40]))
