"""The README's recipe for a new chapter: one notebook (pku-eval new-chapter) plus one line in
the params, and the build has it as a numbered chapter with a table-of-contents entry."""

from __future__ import annotations

import shutil

import pytest
import yaml

from pku_eval import build as buildmod
from pku_eval import cli, config

pytestmark = pytest.mark.slow


def test_readme_recipe(tmp_path, demo_dir, monkeypatch):
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pku-eval new-chapter" in readme
    nbdir = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, nbdir)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    assert cli.main(["new-chapter", "caseload_trends"]) == 0
    assert (nbdir / "caseload_trends.ipynb").exists() and (nbdir / "caseload_trends.py").exists()
    raw = yaml.safe_load((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"))
    raw["chapters"] = ["data_quality", "caseload_trends"]   # the one line in the params
    params = tmp_path / "interim.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    res = buildmod.build(params, data_dir=demo_dir, out_dir=tmp_path / "out")
    html = (res.report).read_text(encoding="utf-8")
    assert 'id="kap-2"' in html and "Caseload trends" in html
    assert 'href="#kap-2"' in html
    assert cli.main(["new-chapter", "caseload_trends"]) == 1  # exists: refused, no traceback
