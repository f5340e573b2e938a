"""The command line refuses bad numbers, bad params files and chapter paths with a short message
that names the option or key: non-zero exit, no traceback, nothing silently changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pku_eval import cli, config, demo

SHORT = 2000  # characters of stdout + stderr


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pku_eval.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def assert_refused(res: subprocess.CompletedProcess, *needles: str) -> None:
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "Traceback" not in out, out[-3000:]
    assert len(out) < SHORT, out[:3000]
    for needle in needles:
        assert needle in res.stderr, res.stderr


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("option, value", [
    ("--participants", "-5"),
    ("--participants", "99999999999999999999"),
    ("--participants", "0"),
    ("--participants", str(demo.MIN_PARTICIPANTS - 1)),
    ("--participants", str(cli.MAX_PARTICIPANTS + 1)),
    ("--participants", "1.5"),
    ("--participants", "abc"),
    ("--participants", "9" * 5000),
    ("--seed", "-1"),
    ("--seed", str(2**32)),
    ("--seed", "1e3"),
])
def test_demo_numbers_are_checked(tmp_path, option, value):
    res = run("demo-data", "--out", str(tmp_path / "out"), option, value, cwd=tmp_path)
    assert_refused(res, option, "expected a whole number from")
    assert res.returncode == 2
    assert not (tmp_path / "out").exists()


def test_demo_participants_too_many_for_xlsx(tmp_path):
    res = run("demo-data", "--out", str(tmp_path / "out"), "--format", "xlsx",
              "--participants", str(cli.MAX_PARTICIPANTS_XLSX + 1), cwd=tmp_path)
    assert_refused(res, "--participants", "xlsx")
    assert not (tmp_path / "out").exists()


def test_demo_numbers_at_the_limits_are_used_as_given(tmp_path):
    res = run("demo-data", "--out", str(tmp_path / "out"), "--participants",
              str(demo.MIN_PARTICIPANTS), "--seed", str(2**32 - 1), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert f"seed {2**32 - 1}, {demo.MIN_PARTICIPANTS} participants" in res.stdout
    rows = (tmp_path / "out" / "participants.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == demo.MIN_PARTICIPANTS + 1


def test_cli_limits_match_the_demo_generator():
    assert cli.MIN_PARTICIPANTS == demo.MIN_PARTICIPANTS
    assert f"(default {demo.DEFAULT_SEED})" in cli_help("demo-data")
    assert f"(default {demo.DEFAULT_PARTICIPANTS})" in cli_help("demo-data")


def cli_help(command: str) -> str:
    res = subprocess.run([sys.executable, "-m", "pku_eval.cli", command, "--help"],
                         capture_output=True, text=True, timeout=60)
    return " ".join(res.stdout.split())


@pytest.mark.parametrize("args, option", [
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "-3"], "--jobs"),
    (["--jobs", str(cli.MAX_JOBS + 1)], "--jobs"),
    (["--jobs", "two"], "--jobs"),
    (["--filter", "project=../../tmp/x"], "--filter"),
    (["--filter", "county=rogaland"], "--filter"),
    (["--filter", "project="], "--filter"),
    (["--filter", "office=Moss"], "--filter"),
    (["--filter", "project=" + "k" * 100_000], "--filter"),
])
def test_build_options_are_checked(tmp_path, args, option):
    res = run("build", str(config.PARAMS_DIR / "interim.yml"), "--data", str(tmp_path),
              "--out", str(tmp_path / "out"), *args, cwd=tmp_path)
    assert_refused(res, option)
    assert res.returncode == 2
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- params files

def build_params(tmp_path: Path, text: str, data: Path | None = None,
                 name: str = "params.yml") -> subprocess.CompletedProcess:
    params = tmp_path / name
    params.write_text(text, encoding="utf-8")
    empty = tmp_path / "empty-data"
    empty.mkdir(exist_ok=True)
    return run("build", str(params), "--data", str(data or empty), "--out",
               str(tmp_path / "out"), cwd=tmp_path)


HEAD = "stage: interim\ntitle: x\ncutoff_date: 2015-10-31\n"


def billion_laughs(levels: int) -> str:
    lines = ["stage: final", "cutoff_date: 2016-12-31", "chapters: [summary]",
             'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines + [f"title: *a{levels - 1}"]) + "\n"


@pytest.mark.parametrize("levels", [9, 10])
def test_yaml_alias_bomb(tmp_path, levels):
    res = build_params(tmp_path, billion_laughs(levels), name="bomb.yml")
    assert_refused(res, "bomb.yml", "line 4", "anchors or aliases (&/*)")
    assert res.returncode == 1


def evil_notebook(tmp_path: Path) -> Path:
    """A notebook outside the project that leaves a marker file when it runs."""
    marker = tmp_path / "evil-ran"
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "cells": [{"cell_type": "code", "id": "evil", "metadata": {}, "outputs": [],
                     "execution_count": None,
                     "source": f"open({str(marker)!r}, 'w').write('ran')"}]}
    (tmp_path / "evil.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return marker


def test_chapter_path_outside_the_project_never_runs(tmp_path, demo_dir):
    marker = evil_notebook(tmp_path)
    # enough "../" to reach "/" from notebooks/ and from the build's work folder alike: before
    # the fix papermill ran this notebook (and wrote its output over it, outside --out)
    rel = "../" * 40 + str(tmp_path / "evil").lstrip("/")
    assert (config.NOTEBOOKS_DIR / f"{rel}.ipynb").is_file()
    res = build_params(tmp_path, HEAD + f"chapters: [{json.dumps(rel)}]\n", data=demo_dir)
    assert not marker.exists(), "the notebook outside the project ran"
    assert_refused(res, "'chapters'", "plain name")
    assert not (tmp_path / "out").exists()


def test_absolute_chapter_path_to_an_existing_notebook(tmp_path, demo_dir):
    marker = evil_notebook(tmp_path)
    res = build_params(tmp_path, HEAD + f"chapters: [{json.dumps(str(tmp_path / 'evil'))}]\n",
                       data=demo_dir)
    assert not marker.exists(), "the notebook outside the project ran"
    assert_refused(res, "'chapters'", "plain name")


@pytest.mark.parametrize("name", [
    "data_quality/../x", "/abs/path", "Summary", "", "../../tmp/evil", "a" * 300,
    "summary.ipynb", "summary ",
])
def test_chapter_names_that_are_no_plain_names(tmp_path, name):
    res = build_params(tmp_path, HEAD + f"chapters: [data_quality, {json.dumps(name)}]\n")
    assert_refused(res, "'chapters'", "plain name")


@pytest.mark.parametrize("line, key", [
    ("filter: {project: ../../tmp/x}", "'filter'"),
    ("filter: {office: " + "x" * 100_000 + "}", "'filter'"),
    ("compare_with: " + "x" * 100_000 + ".json", "'compare_with'"),
    ("compare_with: results.csv", "'compare_with'"),
    ("title: [" + ", ".join(["lol"] * 100_000) + "]", "'title'"),
    ("seed: -1", "'seed'"),
    ("seed: " + "9" * 5000, "line 5"),
])
def test_params_values_are_checked_with_short_messages(tmp_path, line, key):
    # a key given twice: the later value counts (PyYAML), so "title:" replaces HEAD's
    res = build_params(tmp_path, HEAD + "chapters: [data_quality]\n" + line + "\n")
    assert_refused(res, key)


@pytest.mark.parametrize("text, needle", [
    (HEAD + "chapters: [data_quality]\n# " + "x" * 1_000_000 + "\n", "at most 1,000,000 bytes"),
    ("title: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than"),
    (HEAD + "chapters: [data_quality\n", "not valid YAML"),
    (HEAD + "".join(f"k{i}: {i}\n" for i in range(50_000)), "unknown keys 'k0'"),
])
def test_bad_params_files_give_short_messages(tmp_path, text, needle):
    res = build_params(tmp_path, text)
    assert_refused(res, "params.yml", needle)
