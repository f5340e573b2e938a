"""Disclosure control in the built reports: no visible count between 1 and min_cell − 1, in
the full final report (with its tiny office) and in per-project and per-office reports."""

from __future__ import annotations

import json
import re

import pytest
from pku_eval import config

pytestmark = pytest.mark.slow
MIN_CELL = 5


def small_counts(html: str) -> list[str]:
    bad = []
    for cell in re.findall(r'<td class="num count">([^<]*)</td>', html):
        m = re.match(r"\s*([0-9\u202f,.]+)", cell)
        if not m:
            continue
        n = int(re.sub(r"[^0-9]", "", m.group(1).split(",")[0].split(" (")[0]) or 0)
        if 0 < n < MIN_CELL:
            bad.append(cell)
    return bad


def test_no_small_count_in_final_report(built):
    html = (built / "final" / "report.html").read_text(encoding="utf-8")
    assert html.count('class="num count"') > 100
    assert small_counts(html) == []
    assert "færre enn 5 personer" in html   # something was suppressed, and it says so


OFFICES = ("moss", "rygge", "royken", "hurum", "rakkestad", "sarpsborg", "modum", "haugesund",
           "karmoy", "lerkendal", "orkdal", "jobbhuset")
FILTERS = ("project=ungjobb", "project=klar", "project=sortrondelag",
           *(f"office={o}" for o in OFFICES))


@pytest.fixture(scope="module")
def report_set(built, demo_dir, tmp_path_factory):
    """The final report with the reports of each project beside it (as `make
    reports-projects` leaves them) and of every office (Jobbhuset, with fewer participants
    than min_cell, among them): every build audits its report together with those already there
    (built from the same data), so each one is refused if the set leaks."""
    import shutil
    import subprocess
    import sys

    parent = tmp_path_factory.mktemp("set")
    shutil.copytree(built / "final", parent / "final")
    out = {}
    for flt in FILTERS:
        folder = parent / f"final-{flt.split('=')[1]}"
        res = subprocess.run([sys.executable, "-m", "pku_eval.cli", "build",
                              str(config.PARAMS_DIR / "final.yml"), "--data", str(demo_dir),
                              "--out", str(folder), "--filter", flt], capture_output=True,
                             text=True, timeout=900)
        out[flt] = res
    return parent, out


@pytest.mark.parametrize("flt", FILTERS)
def test_filtered_reports(report_set, flt):
    parent, runs = report_set
    res = runs[flt]
    assert res.returncode == 0, res.stderr[-3000:]
    out = parent / f"final-{flt.split('=')[1]}"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert small_counts(html) == []
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for path, reason in results["null_reasons"].items():
        assert reason, path
    if flt == "project=ungjobb":  # no randomised arms there: the effect keys say why
        assert results["employment"]["risk_difference"] is None
        assert "employment.risk_difference" in results["null_reasons"]


def test_the_report_set_gives_nothing_back(report_set):
    """Read together — the whole report minus the other projects', a project minus its other
    offices — the set recovers no withheld count (before the set decisions, the whole final
    report with all twelve office and three project reports gave back 70 counts of 1–4: the
    missing-codes tables, the actor survey's answers, the baseline table's n and the survey
    chapter's answers per wave; then, with those decided, Ung@jobb's baseline categories:
    the project's table minus Haugesund's gave Karmøy's)."""
    from pku_eval.audit_set import audit_report_set

    parent, _ = report_set
    folders = sorted(d for d in parent.iterdir() if (d / "report.html").is_file())
    assert len(folders) == 1 + len(FILTERS)
    assert audit_report_set(folders) == []
    assert cli_audit(*folders) == 0


def test_unknown_filter_value_is_refused(demo_dir, tmp_path):
    import subprocess
    import sys

    bad = subprocess.run([sys.executable, "-m", "pku_eval.cli", "build",
                          str(config.PARAMS_DIR / "final.yml"), "--data", str(demo_dir),
                          "--out", str(tmp_path / "y"), "--filter", "project=oslo"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "matches no office" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_default_reports_pass_the_disclosure_audit(built):
    """The build audits what it publishes (#14): the default demo reports carry their table
    record and the independent audit recovers nothing from them."""
    from pku_eval.audit import audit_report

    for stage in ("interim", "final"):
        folder = built / stage
        assert (folder / "tables.json").is_file()
        assert audit_report(folder) == [], stage
    assert cli_audit(built / "interim", built / "final") == 0


def cli_audit(*folders) -> int:
    from pku_eval import cli

    return cli.main(["disclosure-audit", *map(str, folders)])
