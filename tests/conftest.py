"""Shared fixtures: demo data written once per test session (small and default sizes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pku_eval.demo import write_demo



@pytest.fixture(scope="session", autouse=True)
def isolated_caches(tmp_path_factory):
    """Builds in tests use their own processed-data and chapter caches (subprocesses too)."""
    import os

    from pku_eval import config

    root = tmp_path_factory.mktemp("caches")
    os.environ["PKU_EVAL_PROCESSED_DIR"] = str(root / "processed")
    os.environ["PKU_EVAL_CACHE_DIR"] = str(root / "cache")
    # no report.pdf in test builds (about 10 s each), except where the PDF is what is tested
    # (the session's `built` reports and tests/test_deliveries.py set PKU_EVAL_PDF=1)
    os.environ["PKU_EVAL_PDF"] = "0"
    # delivery receipts of validate and builds stay in the test's folders, never in reports/
    os.environ["PKU_EVAL_RECEIPTS_DIR"] = str(root / "receipts")
    config.PROCESSED_DIR = root / "processed"
    config.CACHE_DIR = root / "cache"
    yield root


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The default demo data (what `make report` uses), written once."""
    d = tmp_path_factory.mktemp("demo")
    write_demo(d)
    return d


@pytest.fixture(scope="session")
def planted_dir(tmp_path_factory) -> Path:
    """Demo data of 5 000 participants, enough for the planted effects to be estimated
    closely: written once for every test that checks them."""
    d = tmp_path_factory.mktemp("planted")
    write_demo(d, participants=5000)
    return d


@pytest.fixture(scope="session")
def planted_stage(planted_dir):
    """The planted-effects data as the final stage of the demo's old calendar sees them."""
    from pku_eval import tidy

    return tidy.prepare(tidy.load(planted_dir), "2016-12-31")


@pytest.fixture(scope="session")
def planted_survey(planted_stage):
    """The survey chapter's result on the planted-effects data (computed once)."""
    from pku_eval.chapters import survey_waves as sw
    from pku_eval.params import load_params

    return sw.compute(planted_stage, load_params(waves=["T0", "T1", "T2"], min_cell=5,
                                                 seed=2016, language="nb"))


@pytest.fixture
def data_copy(demo_dir, tmp_path) -> Path:
    """A private copy of the demo data that a test may break."""
    d = tmp_path / "data"
    shutil.copytree(demo_dir, d)
    return d


def read(d: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False)


def write(d: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(d / f"{name}.csv", index=False)


def run_build(params: str | Path, data: Path, out: Path,
              pdf: bool = False) -> subprocess.CompletedProcess:
    """`pku-eval build` in a subprocess (real papermill, real nbconvert); ``pdf``: make the
    report.pdf too."""
    import os

    from pku_eval import config

    params = Path(params)
    if not params.is_absolute():
        params = config.PARAMS_DIR / params
    return subprocess.run([sys.executable, "-m", "pku_eval.cli", "build", str(params),
                           "--data", str(data), "--out", str(out)],
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PKU_EVAL_PDF": "1" if pdf else "0"})


@pytest.fixture(scope="session")
def built(demo_dir, tmp_path_factory):
    """The interim and final reports on the default demo data, built once per session."""
    out = tmp_path_factory.mktemp("reports")
    for stage in ("interim", "final"):
        res = run_build(f"{stage}.yml", demo_dir, out / stage, pdf=True)
        assert res.returncode == 0, res.stderr
    return out


def small_project(tmp_path: Path, demo_dir: Path, monkeypatch, chapters: list[str]) -> dict:
    """A final-stage params file of only ``chapters``, a copy of the demo data and private
    caches, for fast in-process builds: ``data``, ``params`` and ``out``."""
    import shutil

    import yaml

    from pku_eval import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    raw = yaml.safe_load((config.PARAMS_DIR / "final.yml").read_text(encoding="utf-8"))
    raw["chapters"] = list(chapters)
    params = tmp_path / "final.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return {"data": data, "params": params, "out": tmp_path / "out"}
