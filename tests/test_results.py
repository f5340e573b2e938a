"""The results.json skeleton has every key REPORT_SPEC.md lists, nulls carry reasons."""

from __future__ import annotations

import pytest

from pku_eval.results import merge, missing_keys, null_paths, record, required_paths, skeleton


def test_skeleton_has_every_required_key_with_reasons():
    res = skeleton("interim", ["T0", "T1"], ["data_quality"])
    assert missing_keys(res, ["T0", "T1"]) == []
    assert "scales.mastery.arm_by_wave.T1" in required_paths(["T0", "T1"])
    assert "scales.mastery.arm_by_wave.T2" not in required_paths(["T0", "T1"])
    for path in null_paths(res, ["T0", "T1"]):
        assert path in res["null_reasons"], path


def test_record_and_merge(tmp_path):
    frag = tmp_path / "f.json"
    record(frag, "response.T0.treatment", 0.9)
    record(frag, "flow.withdrawn", {"treatment": 7, "internal_control": None,
                                    "external_control": 5}, "suppressed")
    res = skeleton("final", ["T0"], ["data_quality", "participants"])
    import json

    merge(res, json.loads(frag.read_text()))
    assert res["response"]["T0"]["treatment"] == 0.9
    assert "response.T0.treatment" not in res["null_reasons"]
    assert res["null_reasons"]["flow.withdrawn.internal_control"] == "suppressed"


def test_null_needs_a_reason(tmp_path):
    with pytest.raises(ValueError, match="reason"):
        record(tmp_path / "f.json", "response.T0.all", float("nan"))
