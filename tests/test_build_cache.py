"""The incremental build: exactly the chapters whose dependencies changed re-run; nothing
changed → nothing runs; parallel output equals serial output."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from pku_eval import build as buildmod
from pku_eval import config

from conftest import small_project

pytestmark = pytest.mark.slow
CHAPTERS = ["data_quality", "participants"]


@pytest.fixture
def project(tmp_path, demo_dir, monkeypatch):
    """A private notebooks dir, params file, data copy and caches."""
    nbdir = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, nbdir)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    return {"nb": nbdir, **small_project(tmp_path, demo_dir, monkeypatch, CHAPTERS)}


def run(p, **kw):
    return buildmod.build(p["params"], data_dir=p["data"], out_dir=p["out"], **kw)


def test_each_dependency_reruns_exactly_its_chapters(project, monkeypatch):
    p = project
    # pin the code and package fingerprints (the real ones are tested below by changing them,
    # and the chapters' code keys in tests/test_code_keys.py)
    code = {c: {"modules": {f"pku_eval.chapters.{c}": "v1"}, "texts": {}} for c in CHAPTERS}
    monkeypatch.setattr(buildmod, "code_fingerprint", lambda: "code v1")
    monkeypatch.setattr(buildmod, "chapter_code_key", lambda name, nb: code[name])
    monkeypatch.setattr(buildmod, "env_fingerprint", lambda: "packages v1")
    first = run(p)
    assert sorted(first.ran) == CHAPTERS
    # nothing changed: nothing runs, nothing is rewritten
    before = (p["out"] / "report.html").read_bytes()
    again = run(p)
    assert again.up_to_date and again.ran == []
    assert (p["out"] / "report.html").read_bytes() == before

    # one notebook edited: only that chapter
    nb = json.loads((p["nb"] / "participants.ipynb").read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] += "\n# reviewed"
    (p["nb"] / "participants.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    res = run(p)
    assert res.ran == ["participants"] and res.reused == ["data_quality"]

    # a file only data_quality reads (the learning questionnaire): only that chapter re-runs
    lpath = p["data"] / "learning_survey.csv"
    llines = lpath.read_text(encoding="utf-8").splitlines()
    lcells = llines[1].split(",")
    lcells[-1] = "2" if lcells[-1] != "2" else "3"
    llines[1] = ",".join(lcells)
    lpath.write_text("\n".join(llines) + "\n", encoding="utf-8")
    res = run(p)
    assert res.ran == ["data_quality"] and res.reused == ["participants"]

    # a data file's content (not its time stamp) changed: every chapter reading it
    path = p["data"] / "survey.csv"
    path.touch()
    assert run(p).up_to_date
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[-1] = "7" if cells[-1] != "7" else "6"   # life_satisfaction of the first row
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert sorted(run(p).ran) == CHAPTERS

    # params that reach the notebooks
    raw = yaml.safe_load(p["params"].read_text(encoding="utf-8"))
    raw["min_cell"] = 6
    p["params"].write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert sorted(run(p).ran) == CHAPTERS

    # the code one chapter runs: that chapter only, and the build says which module changed
    code["participants"] = {"modules": {"pku_eval.chapters.participants": "v2"}, "texts": {}}
    res = run(p)
    assert res.ran == ["participants"] and res.reused == ["data_quality"]
    # code no chapter runs (the report frame, the audit): the report is made again, no chapter
    monkeypatch.setattr(buildmod, "code_fingerprint", lambda: "changed code")
    res = run(p)
    assert not res.up_to_date and res.ran == [] and sorted(res.reused) == CHAPTERS
    # the installed packages
    monkeypatch.setattr(buildmod, "env_fingerprint", lambda: "changed packages")
    assert sorted(run(p).ran) == CHAPTERS
    assert run(p).up_to_date

    # --force re-runs everything
    assert sorted(run(p, force=True).ran) == CHAPTERS


def strip_times(html: str) -> str:
    html = re.sub(r'<dd class="pku-build-time">[^<]*</dd>', "", html)
    html = re.sub(r'<p class="pku-build-time">[^<]*</p>', "", html)
    return re.sub(r'<td class="num pku-duration">[^<]*</td>', "", html)


def test_parallel_equals_serial(project, capsys):
    p = project
    serial = run(p, jobs=1, force=True)
    err = capsys.readouterr().err
    # the chapter threads take the chapters in memory order (#19: the heaviest first, then
    # from the lightest up), not in report order; one job runs them one after the other
    from pku_eval.chapters.spec import memory_order, spec_of

    ran = re.findall(r"\] \d+/\d+ (\w+): ran", err)
    assert ran == memory_order(CHAPTERS, {c: spec_of(c) for c in CHAPTERS}) != CHAPTERS, err
    # the build says where the time went, stage by stage, and how many kernels were warm
    line = next(x for x in err.splitlines() if "] time: " in x)
    for stage in ("plan", "data", "kernel server", "chapters", "render", "id scan", "audit",
                  "deliver", "publish", "kernel", "execute", "finish"):
        assert f"{stage} " in line, (stage, line)
    assert f"{len(CHAPTERS)} ran, {len(CHAPTERS)} in warm kernels" in line, line
    res1 = (p["out"] / "results.json").read_text(encoding="utf-8")
    html1 = strip_times((p["out"] / "report.html").read_text(encoding="utf-8"))
    parallel = run(p, jobs=2, force=True)
    assert sorted(serial.ran) == sorted(parallel.ran) == CHAPTERS
    assert (p["out"] / "results.json").read_text(encoding="utf-8") == res1
    assert strip_times((p["out"] / "report.html").read_text(encoding="utf-8")) == html1


def test_a_chapter_cannot_read_an_undeclared_file(demo_dir):
    """The cache keys a chapter on the files its spec declares it reads; reading another
    file in a chapter is refused, so the cache can never be stale."""
    from pku_eval.chapters.spec import spec_of
    from pku_eval.errors import PkuEvalError
    from pku_eval.tidy import load, prepare

    stage = prepare(load(demo_dir), "2016-12-31")
    stage.reads = frozenset(spec_of("learning_system").reads)  # ("learning_survey",)
    assert "se_log" not in stage.reads
    assert stage.has("learning_survey") and stage.table("outcomes") is not None
    with pytest.raises(PkuEvalError, match="reads"):
        stage.table("se_log")
