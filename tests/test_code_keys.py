"""Fine-grained code keys (pku_eval.code_keys): a chapter's cache key covers the code it runs
— its package, its notebook's imports and what they import, read off the import graph with
``ast`` — and its text catalogues, not the whole package."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from pku_eval import build as buildmod
from pku_eval import code_keys, config
from pku_eval.cache import reason

NB = config.NOTEBOOKS_DIR


def modules(name: str) -> list[str]:
    return code_keys.chapter_modules(name, NB / f"{name}.ipynb")


def test_the_import_graph_of_a_chapter():
    learning, participants = modules("learning_system"), modules("participants")
    # its own package (content is imported lazily, so the whole package counts)
    assert {"pku_eval.chapters.learning_system.content",
            "pku_eval.chapters.learning_system.spec"} <= set(learning)
    assert not [m for m in participants if m.startswith("pku_eval.chapters.learning_system")]
    # transitively: what the notebook and the package import
    assert {"pku_eval.chapter", "pku_eval.publish", "pku_eval.disclosure",
            "pku_eval.text"} <= set(participants)
    # stats modules only where a chapter reaches them (directly, through `stats.x` or an import
    # inside a function)
    assert "pku_eval.stats.means" in learning and "pku_eval.stats.cox" not in learning
    assert "pku_eval.stats.cox" in modules("employment")
    assert "pku_eval.stats.multiplicity" in modules("summary")
    assert not [m for m in participants if m.startswith("pku_eval.stats.")]
    # the report frame is no chapter's code
    assert "pku_eval.report" not in learning and "pku_eval.audit" not in participants


def test_lazy_attributes_lead_to_their_module():
    tree = __import__("ast").parse("from pku_eval import stats\nstats.welch_difference(x)\n"
                                   "from pku_eval.stats import holm\n")
    found = code_keys.imports_of(tree, "__main__", False)
    assert {"pku_eval.stats", "pku_eval.stats.means", "pku_eval.stats.multiplicity"} <= found


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package whose files a test may edit (keys are computed from it)."""
    pkg = tmp_path / "pku_eval"
    shutil.copytree(config.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", pkg)
    return pkg


def keys(*names):
    return {n: code_keys.chapter_code_key(n, NB / f"{n}.ipynb") for n in names}


def edit(path, extra="\n# edited\n"):
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


@pytest.mark.parametrize("what, changed", [
    ("texts/nb/participants.yml", {"participants"}),          # one chapter's text
    ("texts/en/learning_system.yml", {"learning_system"}),
    ("stats/means.py", {"learning_system"}),                  # a stats module: its importers
    ("stats/cox.py", {"employment"}),
    ("chapters/participants/content.py", {"participants"}),   # a chapter's own module
    ("report.py", set()),                                      # the report frame: no chapter
    ("texts/nb/common.yml", {"participants", "learning_system", "employment"}),
    ("publish.py", {"participants", "learning_system", "employment"}),
])
def test_an_edit_changes_exactly_the_keys_of_the_chapters_that_run_it(package, what, changed):
    names = ("participants", "learning_system", "employment")
    before = keys(*names)
    edit(package / what, "\n# edited\n" if what.endswith(".py") else "\n")
    if what.endswith(".yml"):  # a text edit: change one value, keep the YAML valid
        path = package / what
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        first = next(iter(data))
        data[first] = str(data[first]) + " (edited)"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    after = keys(*names)
    assert {n for n in names if before[n] != after[n]} == changed
    # and the build can say what changed
    for n in changed:
        why = reason({"code": after[n]}, {"code": before[n]})
        assert why.startswith("code changed (") and what.split("/")[-1].removesuffix(".py") \
            in why, why


def test_the_processed_data_key_covers_only_the_preparing_code(package):
    before = code_keys.stage_code_key()
    edit(package / "report.py")
    edit(package / "stats" / "means.py")
    assert code_keys.stage_code_key() == before
    edit(package / "tidy.py")
    assert code_keys.stage_code_key() != before


@pytest.mark.slow
def test_a_build_reruns_only_the_chapters_whose_code_changed(package, tmp_path, demo_dir,
                                                             monkeypatch):
    """Editing one chapter's text re-runs that chapter only; editing a stats module re-runs
    the chapters importing it; editing the report frame re-runs none (the report is made
    again). The keys come from the package copy; the kernels run the real code."""
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    raw = yaml.safe_load((config.PARAMS_DIR / "final.yml").read_text(encoding="utf-8"))
    raw["chapters"] = ["participants", "learning_system"]
    raw.pop("compare_with", None)
    params = tmp_path / "final.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")

    def run():
        return buildmod.build(params, data_dir=demo_dir, out_dir=tmp_path / "out")

    assert sorted(run().ran) == ["learning_system", "participants"]
    path = package / "texts" / "nb" / "participants.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = next(iter(data))
    data[first] = str(data[first]) + " (edited)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    res = run()
    assert res.ran == ["participants"] and res.reused == ["learning_system"]
    edit(package / "stats" / "means.py")
    res = run()
    assert res.ran == ["learning_system"] and res.reused == ["participants"]
    edit(package / "report.py")
    res = run()
    assert not res.up_to_date and res.ran == []
    recorded = json.loads((tmp_path / "out" / "build.json").read_text(encoding="utf-8"))
    assert "pku_eval.stats.means" in recorded["chapters"]["learning_system"]["code"]["modules"]
