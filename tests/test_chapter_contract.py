"""The chapter contract as the engine sees it: every chapter declares its spec (files it reads,
results.json sections it owns, what it runs after); the engine names no chapter; modules stay
small."""

from __future__ import annotations

import re
import sys

import pytest
import yaml

from pku_eval import config
from pku_eval.chapters.spec import ChapterSpec, owners, spec_of, waves
from pku_eval.results import required_paths

ENGINE = ("build.py", "runner.py", "cache.py", "processed.py", "execute.py", "results.py",
          "report.py", "chapter.py", "safety.py")


def chapters_in_params() -> list[str]:
    names: list[str] = []
    for stage in ("interim", "final"):
        raw = yaml.safe_load((config.PARAMS_DIR / f"{stage}.yml").read_text(encoding="utf-8"))
        names += [c for c in raw["chapters"] if c not in names]
    return names


@pytest.mark.parametrize("name", chapters_in_params())
def test_every_chapter_declares_a_spec(name):
    spec = spec_of(name)
    assert isinstance(spec, ChapterSpec)
    assert (config.PACKAGE_DIR / "chapters" / name / "spec.py").exists()
    from pku_eval.codebook import FILES

    assert spec.reads is None or set(spec.reads) <= set(FILES), spec.reads


def test_reading_a_spec_imports_nothing_heavy():
    """The build reads every chapter's spec; that must not import pandas, matplotlib or the
    chapter's computations (a no-op build stays well under a second)."""
    import subprocess

    code = ("import sys; from pku_eval.chapters.spec import spec_of\n"
            f"for n in {chapters_in_params()!r}: spec_of(n)\n"
            "heavy = [m for m in ('pandas', 'matplotlib', 'numpy', 'statsmodels') "
            "if m in sys.modules]\n"
            "content = [m for m in sys.modules if m.endswith('.content')]\n"
            "print(heavy, content)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[] []", out


def test_every_required_section_has_one_owner():
    own = owners(chapters_in_params())
    sections = {p.split(".")[0] for p in required_paths(["T0", "T1", "T2"])} - {"stage", "data"}
    assert sections <= set(own), sections - set(own)
    all_owned = [s for n in chapters_in_params() for s in spec_of(n).owns]
    assert len(all_owned) == len(set(all_owned)), "a section has two owners"


def test_the_engine_names_no_chapter():
    from pku_eval.codebook import FILES

    # 'participants' is also a contract file (a table), which the engine may name
    names = [c for c in chapters_in_params() if c not in FILES]
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(map(re.escape, names)))
    for module in ENGINE:
        text = (config.PACKAGE_DIR / module).read_text(encoding="utf-8")
        assert not pattern.search(text), f"{module} names a chapter: {pattern.search(text)[0]}"


def test_waves_follow_the_specs():
    specs = {"a": ChapterSpec(), "b": ChapterSpec(after=("a",)), "c": ChapterSpec(),
             "s": ChapterSpec(reads_results=True)}
    assert waves(["s", "b", "a", "c"], specs) == [["a", "c"], ["b"], ["s"]]
    # an 'after' naming a chapter not in this report is no constraint
    assert waves(["b", "c"], specs) == [["b", "c"]]
    with pytest.raises(ValueError, match="cycle"):
        waves(["x", "y"], {"x": ChapterSpec(after=("y",)), "y": ChapterSpec(after=("x",))})
    # the default report: the summary reads the others' results, so it runs last, alone
    names = chapters_in_params()
    plan = waves(names, {n: spec_of(n) for n in names})
    assert plan[-1] == ["summary"] and len(plan) == 2


def test_a_notebook_without_a_package_gets_the_default_spec():
    assert spec_of("no_such_chapter_xyz") == ChapterSpec()


#: Modules over papermill's 550 lines today: the chapter contents still to be split into
#: compute / show / record (the rest of the chapter-contract work). The list may only shrink.
OVERSIZED = {"demo.py"}


def test_modules_stay_small():
    too_long = {}
    for path in sorted(config.PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(config.PACKAGE_DIR).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > 550 and rel not in OVERSIZED:
            too_long[rel] = n
    assert not too_long, too_long
    for rel in OVERSIZED:  # once split, take it off the list
        n = len((config.PACKAGE_DIR / rel).read_text(encoding="utf-8").splitlines())
        assert n > 550, f"{rel} has {n} lines now: remove it from OVERSIZED"


# ------------------------------------------------ one suppression policy, typed params (#13)

#: Where a chapter would decide disclosure itself (the policy module decides, nothing else).
FORBIDDEN = {
    "a comparison with min_cell": re.compile(
        r"min_cell\s*(<=|>=|<|>|==|!=)|(<=|>=|<|>|==|!=)\s*[\w.()]*min_cell"),
    "the suppression marker": re.compile(r"\bMARK\b|\bHIDDEN\b|[\"']\*[\"']"),
    "a hand-made suppression": re.compile(
        r"publish_count|fmt_published|count_cell|secondary_suppression|suppress_counts"),
    "a params default written again": re.compile(r"params\.get\(|params\[|\.get\(\"min_cell\""),
    "the transitional ch.min_cell": re.compile(r"\bch\.min_cell\b|self\.min_cell"),
}


def _chapter_sources():
    root = config.PACKAGE_DIR / "chapters"
    return sorted(p for p in root.rglob("*.py") if p.name != "spec.py" or p.parent != root)


def test_chapters_leave_disclosure_to_the_policy():
    """`grep` finds no min_cell comparison and no suppression marker outside the policy
    module: not in the chapters, the notebooks, the plots or the publishing path."""
    sources = _chapter_sources() + sorted(config.NOTEBOOKS_DIR.glob("*.py"))
    sources += [config.PACKAGE_DIR / f for f in ("plots.py", "chapter.py", "flow.py",
                                                 "quality.py")]
    found = []
    for path in sources:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for what, pattern in FORBIDDEN.items():
                if pattern.search(code):
                    found.append(f"{path.name}:{i}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_publish_has_no_second_policy():
    """publish renders what the policy decided; it keeps no rule of its own."""
    src = (config.PACKAGE_DIR / "publish.py").read_text(encoding="utf-8")
    assert "def publish_count" not in src and "def count_cell" not in src
    assert "def secondary_suppression" not in src and "min_cell <" not in src


@pytest.mark.parametrize("name", [c for c in chapters_in_params() if c != "codebook"])
def test_compute_returns_a_frozen_result_of_values(name):
    """compute(data, params) -> a frozen dataclass whose results.json values are Values."""
    import dataclasses
    import importlib
    import inspect

    content = importlib.import_module(f"pku_eval.chapters.{name}")
    compute = getattr(content, "compute", None)
    if compute is None:  # a chapter of show functions only (data_quality, participants)
        pytest.skip(f"{name} has no compute")
    ret = inspect.signature(compute).return_annotation
    cls = getattr(importlib.import_module(compute.__module__), ret, None) \
        if isinstance(ret, str) else ret
    assert dataclasses.is_dataclass(cls), f"{name}.compute returns {ret!r}"
    assert cls.__dataclass_params__.frozen, f"{cls.__name__} is not frozen"
    assert "values" in {f.name for f in dataclasses.fields(cls)}
    # that every entry of values is a Value is checked on real data in each chapter's test


def test_policy_is_the_rule():
    """The policy's rules as the report states them (REPORT_SPEC.md: counts 1 … min_cell−1
    withheld, zero kept; a statistic on fewer than min_cell withheld)."""
    from pku_eval.disclosure import HIDDEN, Policy

    p = Policy(5)
    assert [p.hides(n) for n in (0, 1, 4, 5, None, float("nan"), HIDDEN)] == \
        [False, True, True, False, False, False, True]
    assert p.count(4).estimate is None and p.count(4).reason == "suppressed"
    assert p.count(0).estimate == 0 and p.count(5).estimate == 5
    assert p.stat(0.5, 4).estimate is None and p.stat(0.5, 5).estimate == 0.5
    assert p.stat(None, 10, "no events").reason == "no events"
    assert p.guard([5, 7]) is None and p.guard([4, 70]) == "suppressed"
    assert p.cell(3, 0.1) == "*" and p.cell(12, 0.25, "nb") == "12 (25,0)"
    assert p.line_mask([3, 12, 7, 0]).tolist() == [True, False, True, False]
    assert p.line_mask([6, 12, 7, 0]).tolist() == [False] * 4
    assert Policy(1).hides(1) is False
