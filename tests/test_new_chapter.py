"""The README's recipe for a new chapter: ``pku-eval new-chapter`` (notebook, package with spec
and content, text catalogues) plus one line in the params, and the build has it as a numbered
chapter with a table-of-contents entry, following the chapter contract."""

from __future__ import annotations

import shutil

import pytest
import yaml

from pku_eval import build as buildmod
from pku_eval import cli, config

pytestmark = pytest.mark.slow


NAME = "caseload_trends"


@pytest.fixture
def package_files():
    """The package and catalogues new-chapter writes into the source tree (removed after:
    the kernels of the build import the chapter, so it must be where the package is)."""
    made = [config.PACKAGE_DIR / "chapters" / NAME,
            *(config.PACKAGE_DIR / "texts" / lang / f"{NAME}.yml" for lang in ("nb", "en"))]
    assert not any(p.exists() for p in made), "a leftover of an earlier run: remove it"
    yield made
    for p in made:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def test_readme_recipe(tmp_path, demo_dir, monkeypatch, package_files):
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pku-eval new-chapter" in readme
    nbdir = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, nbdir)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    assert cli.main(["new-chapter", NAME]) == 0
    assert (nbdir / f"{NAME}.ipynb").exists() and (nbdir / f"{NAME}.py").exists()
    assert all(p.exists() for p in package_files)
    pkg = package_files[0]
    assert {p.name for p in pkg.glob("*.py")} == {"__init__.py", "spec.py", "content.py"}
    # the new chapter follows the contract from the start
    from pku_eval.chapters.spec import spec_of
    from pku_eval.text import load_catalogues

    assert spec_of(NAME).owns == ()
    cat = load_catalogues()  # both languages, same keys and placeholders: no error
    assert f"{NAME}_intro" in cat.texts["nb"] and f"{NAME}_intro" in cat.texts["en"]
    raw = yaml.safe_load((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"))
    raw["chapters"] = ["data_quality", NAME]   # the one line in the params
    params = tmp_path / "interim.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    res = buildmod.build(params, data_dir=demo_dir, out_dir=tmp_path / "out")
    html = (res.report).read_text(encoding="utf-8")
    assert 'id="kap-2"' in html and "Caseload trends" in html
    assert 'href="#kap-2"' in html
    assert "deltakere i analysene" in html  # the starter's computed sentence
    before = (pkg / "content.py").read_text(encoding="utf-8")
    assert cli.main(["new-chapter", NAME]) == 1  # exists: refused, no traceback
    assert (pkg / "content.py").read_text(encoding="utf-8") == before  # nothing overwritten
