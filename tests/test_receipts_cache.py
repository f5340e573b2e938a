"""The data-quality chapter's "changes since the previous delivery" come from the receipts, not
only from the data files (#18): which receipts its comparison reads is part of its cache key
(it declares ``reads_receipts``), so a cached copy never shows another comparison — receipts
begun again, or another report folder whose receipts know another previous delivery — and a
rebuild with nothing changed still reuses it."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import run_build
from test_receipts import redeliver

from pku_eval import config, receipts
from pku_eval.build import make_plan
from pku_eval.chapters.spec import spec_of

FIRST = "første registrerte leveransen"
WARNING = "Advarsel: data som var levert før, er endret"


def test_only_the_chapter_that_declares_it_is_keyed_on_the_receipts(tmp_path, monkeypatch):
    from pku_eval.demo import write_demo

    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR")
    assert spec_of("data_quality").reads_receipts and not spec_of("employment").reads_receipts
    d = tmp_path / "data"
    write_demo(d, participants=80)
    pfile = config.PARAMS_DIR / "interim.yml"
    out = tmp_path / "a" / "interim"
    plan = make_plan(pfile, d, out, None)  # the plan records the receipt first
    key = plan.components["data_quality"]["receipts"]
    assert key and "receipts" not in plan.components["employment"]
    assert make_plan(pfile, d, out, None).components["data_quality"]["receipts"] == key
    shutil.rmtree(tmp_path / "a" / ".receipts")  # begun again: another comparison key
    again = make_plan(pfile, d, out, None)
    assert again.components["data_quality"]["receipts"] != key and again.key != plan.key
    other = make_plan(pfile, d, tmp_path / "b" / "interim", None)
    assert other.components["data_quality"]["receipts"] not in (key, None, "")
    assert receipts.comparison_key(tmp_path / "nowhere", plan.data_hashes) is None


def _ran(res) -> bool:
    return "data_quality: running" in res.stderr


@pytest.mark.slow
def test_a_cached_data_quality_chapter_never_shows_another_comparison(tmp_path, monkeypatch):
    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR")  # beside each report folder
    from pku_eval.demo import write_demo

    d = tmp_path / "data"
    write_demo(d, participants=80)
    params = yaml.safe_load((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"))
    params["chapters"] = ["data_quality"]
    params.pop("compare_with", None)
    pfile = tmp_path / "params.yml"
    pfile.write_text(yaml.safe_dump(params), encoding="utf-8")
    one, two = tmp_path / "r1" / "interim", tmp_path / "r2" / "interim"

    def build(out):
        res = run_build(pfile, d, out)
        assert res.returncode == 0, res.stderr[-3000:]
        return res, (out / "report.html").read_text(encoding="utf-8")

    res, page = build(one)
    assert FIRST in page
    # the provenance appendix says how each file was read
    assert "Slik ble hver datafil lest" in page and "<code>survey.csv</code>" in page
    redeliver(d)
    res, page = build(one)
    assert _ran(res) and WARNING in page
    # the same data into another folder, whose receipts know no previous delivery: the
    # chapter runs again (the cached copy compares with the previous delivery of r1)
    res, page = build(two)
    assert _ran(res), res.stderr[-2000:]
    assert FIRST in page and WARNING not in page
    res, _ = build(two)  # nothing changed: nothing runs
    assert not _ran(res) and "up to date" in res.stderr
    # the receipts of r1 begun again: its report no longer warns of the earlier change
    shutil.rmtree(tmp_path / "r1" / ".receipts")
    res, page = build(one)
    assert _ran(res) and "receipts changed" in res.stderr
    assert FIRST in page and WARNING not in page


def test_a_new_delivery_is_read_once_for_its_receipt_and_its_data(tmp_path, monkeypatch):
    """#19: the receipt and the processed data of a delivery new beside the report are made in
    one child process that reads and validates the delivery once; bad data get no receipt and
    the build's message lists the problems."""
    from pku_eval import processed, tidy, validate
    from pku_eval.cache import data_fingerprint
    from pku_eval.demo import write_demo

    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR")
    d = tmp_path / "data"
    write_demo(d, participants=60)
    calls = []
    real = validate.validate_dir
    for module in (validate, tidy):  # the receipt's import, the data preparation's
        monkeypatch.setattr(module, "validate_dir", lambda p: calls.append(p) or real(p))
    out = tmp_path / "r" / "final"
    hashes = data_fingerprint(d)
    stage = tmp_path / "stage"
    error = processed._prepare_stage(str(d), "2026-06-30", None, str(stage), "k",
                                     (str(d), str(out), hashes))
    assert error is None and len(calls) == 1
    assert (stage / "meta.json").exists() and receipts.recorded(d, out, hashes)

    path = d / "participants.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",haugesund,", ",haugesunx,", 1),
                    encoding="utf-8")
    calls.clear()
    hashes = data_fingerprint(d)
    error = processed._prepare_stage(str(d), "2026-06-30", None, str(tmp_path / "bad"), "k",
                                     (str(d), str(out), hashes))
    assert len(calls) == 1 and "participants.csv" in error and "haugesunx" in error
    assert not receipts.recorded(d, out, hashes) and not (tmp_path / "bad").exists()


def test_the_plan_of_a_new_delivery_has_its_data_prepared(tmp_path, monkeypatch):
    from pku_eval.demo import write_demo

    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR")
    d = tmp_path / "data"
    write_demo(d, participants=60)
    pfile = config.PARAMS_DIR / "interim.yml"
    plan = make_plan(pfile, d, tmp_path / "a" / "interim", None)
    assert (plan.stage.folder / "meta.json").exists() and plan.data_seconds > 0
    again = make_plan(pfile, d, tmp_path / "a" / "interim", None)  # recorded: nothing read
    assert again.stage.folder == plan.stage.folder and again.data_seconds == 0
