"""The typed estimation error of pku_eval.stats: an estimate the data cannot give raises
EstimationError with a reason code; wrong input stays TypeError / plain ValueError.

These are contract tests (no published values are involved): each case is data for which the
quantity is undefined by its definition (e.g. a t-test on constant values, a Cox model without
events), checked against the reason code documented in pku_eval.stats.errors.REASONS.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from pku_eval import stats
from pku_eval.stats import REASONS, EstimationError


def test_error_type():
    exc = EstimationError("too_few", "only 1 subject(s) have values at both 'T0' and 'T1'")
    assert isinstance(exc, ValueError)  # code that caught ValueError keeps working
    assert exc.reason == "too_few" and str(exc).startswith("only 1 subject")
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), back.reason, str(back)) == (EstimationError, exc.reason, str(exc))
    with pytest.raises(ValueError, match="unknown estimation reason"):
        EstimationError("few", "typo in the reason code")
    assert set(REASONS) >= {"too_few", "no_events", "no_variance", "not_estimable", "no_data"}


TWO = pd.DataFrame({"y": [1.0, 1.0, 1.0, 1.0], "g": ["a", "a", "b", "b"],
                    "id": [1, 2, 1, 2], "e": [0, 0, 0, 0], "t": [1.0, 2, 3, 4]})

CASES = [
    ("welch, one value in a group", "too_few",
     lambda: stats.welch_difference(TWO.iloc[1:], "y", "g", "a", "b")),
    ("welch, constant", "no_variance",
     lambda: stats.welch_difference(TWO, "y", "g", "a", "b")),
    ("paired, one pair", "too_few",
     lambda: stats.paired_difference(TWO.iloc[1:3], "y", "g", "id", "a", "b")),
    ("alpha, two answers", "too_few",
     lambda: stats.cronbach_alpha(pd.DataFrame({"a": [1, 2], "b": [2, 3]}), ["a", "b"])),
    ("alpha, constant sum", "no_variance",
     lambda: stats.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [3, 2, 1]}), ["a", "b"])),
    ("omega, constant item", "no_variance",
     lambda: stats.mcdonald_omega(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2],
                                                "c": [1, 3, 2, 4]}), ["a", "b", "c"])),
    ("little, too few rows", "too_few",
     lambda: stats.little_mcar(pd.DataFrame({"a": [1.0, 2], "b": [2.0, np.nan]}), ["a", "b"])),
    ("logrank, no events", "no_events",
     lambda: stats.logrank(TWO, "t", "e", "g")),
    ("cox, no events", "no_events",
     lambda: stats.cox_hazard_ratio(TWO, "t", "e", "g", "a", "b")),
    ("km, nothing complete", "no_data",
     lambda: stats.kaplan_meier(TWO.assign(t=np.nan), "t", "e")),
    ("odds ratio, one outcome value", "no_variance",
     lambda: stats.adjusted_odds_ratio(TWO, "e", "g", "a", "b")),
    ("risk difference, empty group", "no_data",
     lambda: stats.risk_difference(TWO.assign(e=[0, 1, np.nan, np.nan]), "e", "g", "a", "b")),
    ("wilson, n = 0", "no_data", lambda: stats.wilson_interval(0, 0)),
    ("mixed model, one subject", "too_few",
     lambda: stats.reml_random_intercept(np.ones(3), np.ones((3, 1)), np.zeros(3, int))),
    ("hedges g, constant", "no_variance",
     lambda: stats.hedges_g(pd.concat([TWO, TWO]), "y", "g", "a", "b")),
]


@pytest.mark.parametrize("label, reason, call", CASES, ids=[c[0] for c in CASES])
def test_estimation_impossible_raises_the_reason(label, reason, call):
    with pytest.raises(EstimationError) as info:
        call()
    assert info.value.reason == reason, label
    assert str(info.value)  # a message for a researcher


@pytest.mark.parametrize("call", [
    lambda: stats.welch_difference(TWO, "score", "g", "a", "b"),        # no such column
    lambda: stats.welch_difference(TWO, "y", "g", "a", "c"),            # no such level
    lambda: stats.cox_hazard_ratio(TWO.assign(t=-TWO["t"]), "t", "e", "g", "a", "b"),
    lambda: stats.kaplan_meier(TWO, "t", "e", conf_type="arcsin"),
    lambda: stats.paired_difference(pd.concat([TWO, TWO]), "y", "g", "id", "a", "b"),
])
def test_wrong_input_is_not_an_estimation_error(call):
    with pytest.raises(ValueError) as info:
        call()
    assert not isinstance(info.value, EstimationError)
