"""Ctrl-C during a build leaves no half-written report and no cache entry a later build would
trust; the next build succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pku_eval import config

pytestmark = pytest.mark.slow


def test_interrupted_build_publishes_nothing(demo_dir, tmp_path):
    out = tmp_path / "final"
    env = dict(os.environ, PKU_EVAL_CACHE_DIR=str(tmp_path / "cache"),
               PKU_EVAL_PROCESSED_DIR=str(tmp_path / "processed"))
    cmd = [sys.executable, "-m", "pku_eval.cli", "build", str(config.PARAMS_DIR / "final.yml"),
           "--data", str(demo_dir), "--out", str(out), "--jobs", "1"]
    # a shell's background job inherits SIGINT ignored (and Python then keeps it ignored):
    # give the build the default disposition, as a terminal would
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # wait until the first chapter is running, then press Ctrl-C (SIGINT to the group)
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob(".final.building-*/notebooks")):
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert not out.exists(), "an interrupted build must not publish a report"
    assert not list(tmp_path.glob(".final.*")), "no work folder left behind"
    cache = tmp_path / "cache"
    if cache.exists():  # only complete entries (renamed into place), never temporary ones
        assert not [p for p in cache.rglob("*") if ".tmp-" in p.name]
        for entry in cache.glob("*/*"):
            assert (entry / "meta.json").exists() and (entry / "notebook.ipynb").exists()
    processed = tmp_path / "processed"
    if processed.exists():
        assert not [p for p in processed.iterdir() if ".tmp-" in p.name]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert (out / "report.html").exists()
