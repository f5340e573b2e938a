"""Safe by construction: a build never changes process-wide state, never removes what the suite
did not make, keeps nothing personal behind, draws no id into a figure and prints a quiet log.

Every case here was an attack that worked before: `--out ~` deleted `~/.ssh`, `--out` = the data
folder deleted the raw data, a file given as `--out` was moved aside, a two-stage build with
`--jobs 2` lost its relative params path when papermill changed the working directory of the
whole process, failed notebooks kept raw rows, processed copies outlived a withdrawal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import read, write

from pku_eval import config, safety
from pku_eval.demo import write_demo
from pku_eval.errors import BuildError, PkuEvalError

SMALL_CHAPTERS = ["data_quality", "participants", "employers", "summary"]


def cli(*args, env=None, cwd=None, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pku_eval.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)


def fake_home(tmp_path: Path) -> tuple[Path, dict]:
    """A home folder under tmp_path with a private key in it, and an env that uses it."""
    home = tmp_path / "home" / "user"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret key\n")
    return home, dict(os.environ, HOME=str(home))


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("small")
    write_demo(d, participants=300, seed=11)
    return d


def params_file(folder: Path, stage: str, chapters=SMALL_CHAPTERS, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    src = (config.PARAMS_DIR / f"{stage}.yml").read_text(encoding="utf-8")
    import yaml

    raw = yaml.safe_load(src)
    raw["chapters"] = [c for c in chapters if c in raw["chapters"]]
    raw.update(extra)
    path = folder / f"{stage}.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- --out never destroys

@pytest.mark.parametrize("case", ["home", "home-tilde", "data", "file", "foreign", "root",
                                  "project", "inside-data", "empty-foreign"])
def test_out_refuses_what_the_suite_did_not_make(case, tmp_path, small_data):
    home, env = fake_home(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    if case == "inside-data":
        (data / "offices.csv.d").mkdir()
    before_data = sorted(p.name for p in data.iterdir())
    target = {
        "home": str(home), "home-tilde": "~", "data": str(data), "root": "/",
        "project": str(config.PROJECT_ROOT), "inside-data": str(data / "offices.csv.d"),
        "file": str(tmp_path / "notes.txt"), "foreign": str(tmp_path / "thesis"),
        "empty-foreign": str(tmp_path / "empty"),
    }[case]
    (tmp_path / "notes.txt").write_text("my notes\n")
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.docx").write_text("draft\n")
    (tmp_path / "empty").mkdir()
    res = cli("build", config.PARAMS_DIR / "interim.yml", "--data", data, "--out", target,
              env=env, timeout=300)
    assert res.returncode == 1, res.stderr
    assert "refused" in res.stderr and "nothing was touched" in res.stderr
    assert "Traceback" not in res.stderr
    # nothing touched
    assert (home / ".ssh" / "id_ed25519").read_text() == "secret key\n"
    assert sorted(p.name for p in data.iterdir()) == before_data
    assert (tmp_path / "notes.txt").read_text() == "my notes\n"
    assert (tmp_path / "thesis" / "chapter1.docx").exists()
    assert not list(tmp_path.glob(".*building*")) and not list(tmp_path.glob(".*.old-*"))
    assert not list(home.glob(".*building*"))


def test_out_tilde_is_expanded(tmp_path, monkeypatch):
    home, env = fake_home(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    assert safety.check_out_dir("~/reports/final") == home / "reports" / "final"


def test_remove_tree_only_removes_marked_folders(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    with pytest.raises(safety.UnsafePathError):
        safety.remove_tree(foreign, safety.REPORT)
    assert (foreign / "keep.txt").exists()
    # a marker of another kind is not enough
    safety.mark(foreign, safety.CACHE)
    with pytest.raises(safety.UnsafePathError):
        safety.remove_tree(foreign, safety.REPORT)
    assert (foreign / "keep.txt").exists()
    # a forged marker (not the suite's content) is no marker
    (foreign / safety.MARKER).write_text("{}")
    assert safety.marked_as(foreign) is None
    ours = safety.mark(tmp_path / "ours", safety.REPORT)
    assert safety.remove_tree(ours, safety.REPORT) and not ours.exists()


def test_cache_root_must_be_the_suites(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "a.txt").write_text("x")
    with pytest.raises(safety.UnsafePathError):
        safety.ensure_cache_root(foreign)
    assert safety.marked_as(safety.ensure_cache_root(tmp_path / "new-cache")) == safety.CACHE


def test_failed_folder_of_someone_else_is_left_alone(tmp_path, small_data):
    from pku_eval.runner import keep_failed as _keep_failed

    out = tmp_path / "final"
    failed = tmp_path / "final.failed"
    failed.mkdir()
    (failed / "mine.txt").write_text("not the suite's")
    nb = tmp_path / "x.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                              "nbformat_minor": 5}))

    class Stage:
        def fingerprints(self):
            import numpy as np
            return np.array([], dtype=np.uint64)

    exc = _keep_failed(BuildError("c", 3, "boom", notebook=str(nb)), out, Stage())
    assert (failed / "mine.txt").exists()
    assert "was not kept" in str(exc)


def test_make_clean_removes_only_what_the_suite_made(tmp_path, monkeypatch):
    from pku_eval.clean import clean

    reports = tmp_path / "reports"
    safety.mark(reports / "final", safety.REPORT)
    safety.mark(reports / "final.failed", safety.FAILED)
    (reports / "my-notes").mkdir(parents=True)
    (reports / "my-notes" / "n.md").write_text("x")
    (reports / "index-draft.html").write_text("x")
    cache = tmp_path / "cache"
    (cache / "ab").mkdir(parents=True)
    monkeypatch.setattr(config, "CACHE_DIR", cache)
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    removed, kept = clean(reports)
    assert not (reports / "final").exists() and not (reports / "final.failed").exists()
    assert (reports / "my-notes" / "n.md").exists() and (reports / "index-draft.html").exists()
    assert cache.exists(), "an unmarked cache folder is not removed"


# ---------------------------------------------------------------- figures and failed notebooks

def test_a_figure_that_draws_an_id_is_refused(small_data):
    from pku_eval.chapter import start

    ch = start("participants", data_dir=str(small_data), cutoff_date="2017-06-30",
               language="nb", min_cell=5)
    pid = str(read(small_data, "participants")["participant_id"].iloc[0])
    for where in ("title", "tick", "legend"):
        fig, ax = plt.subplots()
        if where == "title":
            ax.set_title(f"Deltaker {pid}")
            ax.plot([0, 1], [0, 1])
        elif where == "tick":
            ax.bar([pid, "other"], [1, 2])
        else:
            ax.plot([0, 1], [0, 1], label=pid)
            ax.legend()
        with pytest.raises(PkuEvalError, match="id from the data"):
            ch.figure(fig, caption="c", source="s")
    fig, ax = plt.subplots()
    ax.bar(["Moss", "Rygge"], [1, 2])
    ch.figure(fig, caption="c", source="s")  # an ordinary figure passes


def test_failed_notebook_with_ids_is_stripped(tmp_path):
    import nbformat

    from pku_eval.privacy import id_fingerprints, strip_if_ids

    fp = id_fingerprints({"p": pd.DataFrame({"participant_id": ["P-00012", "P-00013"]})})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("df.head()")
    cell.outputs = [nbformat.v4.new_output("stream", text="P-00012 moss 1990\n")]
    nb.cells = [cell]
    path = tmp_path / "c.ipynb"
    nbformat.write(nb, path)
    assert strip_if_ids(path, fp)
    text = path.read_text()
    assert "P-00012" not in text and "df.head()" in text
    clean = tmp_path / "ok.ipynb"
    cell.outputs = [nbformat.v4.new_output("stream", text="12 deltakere\n")]
    nbformat.write(nb, clean)
    assert not strip_if_ids(clean, fp)
    assert "12 deltakere" in clean.read_text()


# ---------------------------------------------------------------- the build itself

@pytest.mark.slow
def test_two_stage_build_relative_paths_parallel(tmp_path, small_data, monkeypatch):
    """Relative params paths, --jobs 4, two stages, twice: always succeeds; the process never
    changes its working directory (os.chdir in this process is made to fail)."""
    from pku_eval import cli as cli_mod

    proj = tmp_path / "proj"
    params_file(proj / "params", "interim")
    params_file(proj / "params", "final", compare_with=None)
    monkeypatch.chdir(proj)
    monkeypatch.setattr(config, "REPORTS_DIR", proj / "reports")
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")

    def no_chdir(path):
        raise AssertionError(f"the build changed the process's working directory to {path}")

    monkeypatch.setattr(os, "chdir", no_chdir)
    for force in ([], ["--force"]):
        rc = cli_mod.main(["build", "params/interim.yml", "params/final.yml", "--jobs", "4",
                           "--data", str(small_data), *force])
        assert rc == 0
        assert Path.cwd() == proj
        for stage in ("interim", "final"):
            assert (proj / "reports" / stage / "report.html").exists()
            assert safety.marked_as(proj / "reports" / stage) == safety.REPORT


@pytest.mark.slow
def test_build_is_quiet_and_publishes_no_machine_paths(tmp_path, small_data):
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    env = dict(os.environ, PKU_EVAL_CACHE_DIR=str(tmp_path / "cache"),
               PKU_EVAL_PROCESSED_DIR=str(tmp_path / "processed"))
    out = tmp_path / "out" / "final"
    res = cli("build", params_file(tmp_path / "p", "final", compare_with=None), "--data", data,
              "--out", out, "--jobs", "2", env=env)
    assert res.returncode == 0, res.stderr
    for noise in ("IPKernelApp", "without encryption", "KeyboardInterrupt", "WARNING"):
        assert noise not in res.stderr, res.stderr
    machine = [str(tmp_path), str(config.PROJECT_ROOT), str(Path.home()) + "/"]
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".ipynb"):
            text = path.read_text(encoding="utf-8")
            for m in machine:
                assert m not in text, f"{path.name} carries the path {m}"


@pytest.mark.slow
def test_withdrawal_survives_in_no_cache_after_the_next_build(tmp_path, small_data):
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    env = dict(os.environ, PKU_EVAL_CACHE_DIR=str(tmp_path / "cache"),
               PKU_EVAL_PROCESSED_DIR=str(tmp_path / "processed"))
    params = params_file(tmp_path / "p", "final", chapters=["participants"], compare_with=None)
    out = tmp_path / "final"
    assert cli("build", params, "--data", data, "--out", out, env=env).returncode == 0
    survey = read(data, "survey")
    people = read(data, "participants")
    pid = next(p for p in survey["participant_id"]
               if people.loc[people["participant_id"] == p, "withdrawn_date"].iloc[0] == "")
    people.loc[people["participant_id"] == pid, "withdrawn_date"] = "2017-01-15"
    write(data, "participants", people)
    res = cli("build", params, "--data", data, "--out", out, env=env)
    assert res.returncode == 0, res.stderr
    processed = tmp_path / "processed"
    folders = [p for p in processed.iterdir() if p.is_dir()]
    assert len(folders) == 1, "only the current delivery's processed copy is kept"
    for parquet in processed.rglob("*.parquet"):
        frame = pd.read_parquet(parquet)
        if "participant_id" in frame and parquet.stem != "participants":
            assert pid not in set(frame["participant_id"]), parquet.name
    entries = [e for d in (tmp_path / "cache").iterdir() if d.is_dir() for e in d.iterdir()]
    made = {json.loads((e / "meta.json").read_text())["made_from"] for e in entries}
    assert len(made) == 1
