"""Tests of pku_eval.stats.mixed.

Source of the reference values: lme4 (Bates et al. 2015, J Stat Softw 67(1)), sleepstudy data
(shared/reference-data/sleepstudy.csv, embedded below), R
    lmer(Reaction ~ Days + (1 | Subject), sleepstudy)        # REML, the default
prints: fixed effects (Intercept) 251.4051 (Std. Error 9.7467), Days 10.4673 (0.8042);
random effects Subject (Intercept) Std.Dev. 37.12, Residual Std.Dev. 30.99.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pku_eval.stats import mixed
from pku_eval.stats.mixed import arm_by_wave, fit_random_intercept

# lme4's sleepstudy (Belenky et al. 2003), copied from shared/reference-data/sleepstudy.csv so
# that the test needs no file outside the repository: Reaction (ms) on Days 0-9 per Subject.
SLEEPSTUDY_REACTION = {
    308: [
        249.56, 258.7047, 250.8006, 321.4398, 356.8519, 414.6901, 382.2038, 290.1486, 430.5853,
        466.3535,
    ],
    309: [
        222.7339, 205.2658, 202.9778, 204.707, 207.7161, 215.9618, 213.6303, 217.7272, 224.2957,
        237.3142,
    ],
    310: [
        199.0539, 194.3322, 234.32, 232.8416, 229.3074, 220.4579, 235.4208, 255.7511, 261.0125,
        247.5153,
    ],
    330: [
        321.5426, 300.4002, 283.8565, 285.133, 285.7973, 297.5855, 280.2396, 318.2613, 305.3495,
        354.0487,
    ],
    331: [
        287.6079, 285.0, 301.8206, 320.1153, 316.2773, 293.3187, 290.075, 334.8177, 293.7469,
        371.5811,
    ],
    332: [
        234.8606, 242.8118, 272.9613, 309.7688, 317.4629, 309.9976, 454.1619, 346.8311, 330.3003,
        253.8644,
    ],
    333: [
        283.8424, 289.555, 276.7693, 299.8097, 297.171, 338.1665, 332.0265, 348.8399, 333.36,
        362.0428,
    ],
    334: [
        265.4731, 276.2012, 243.3647, 254.6723, 279.0244, 284.1912, 305.5248, 331.5229, 335.7469,
        377.299,
    ],
    335: [
        241.6083, 273.9472, 254.4907, 270.8021, 251.4519, 254.6362, 245.4523, 235.311, 235.7541,
        237.2466,
    ],
    337: [
        312.3666, 313.8058, 291.6112, 346.1222, 365.7324, 391.8385, 404.2601, 416.6923, 455.8643,
        458.9167,
    ],
    349: [
        236.1032, 230.3167, 238.9256, 254.922, 250.7103, 269.7744, 281.5648, 308.102, 336.2806,
        351.6451,
    ],
    350: [
        256.2968, 243.4543, 256.2046, 255.5271, 268.9165, 329.7247, 379.4445, 362.9184, 394.4872,
        389.0527,
    ],
    351: [
        250.5265, 300.0576, 269.8939, 280.5891, 271.8274, 304.6336, 287.7466, 266.5955, 321.5418,
        347.5655,
    ],
    352: [
        221.6771, 298.1939, 326.8785, 346.8555, 348.7402, 352.8287, 354.4266, 360.4326, 375.6406,
        388.5417,
    ],
    369: [
        271.9235, 268.4369, 257.2424, 277.6566, 314.8222, 317.2135, 298.1353, 348.1229, 340.28,
        366.5131,
    ],
    370: [
        225.264, 234.5235, 238.9008, 240.473, 267.5373, 344.1937, 281.1481, 347.5855, 365.163,
        372.2288,
    ],
    371: [
        269.8804, 272.4428, 277.8989, 281.7895, 279.1705, 284.512, 259.2658, 304.6306, 350.7807,
        369.4692,
    ],
    372: [
        269.4117, 273.474, 297.5968, 310.6316, 287.1726, 329.6076, 334.4818, 343.2199, 369.1417,
        364.1236,
    ],
}


def sleepstudy_frame() -> pd.DataFrame:
    """lme4's sleepstudy as a long frame (Reaction, Days, Subject)."""
    return pd.DataFrame(
        [
            (reaction, day, subject)
            for subject, reactions in SLEEPSTUDY_REACTION.items()
            for day, reaction in enumerate(reactions)
        ],
        columns=["Reaction", "Days", "Subject"],
    )


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    return sleepstudy_frame()


def test_random_intercept_matches_lme4_sleepstudy(sleepstudy):
    # Same options as arm_by_wave uses: REML, one random intercept per subject.
    res = fit_random_intercept(
        sleepstudy, "Reaction ~ Days", subject="Subject", reml=True, include_random=True
    )
    fixed = res[res["effect"] == "fixed"].set_index("term")
    assert list(fixed.index) == ["Intercept", "Days"]
    # lme4 prints 4 decimals: tolerance half a unit in the last place
    assert fixed.loc["Intercept", "estimate"] == pytest.approx(251.4051, abs=5e-5)
    assert fixed.loc["Intercept", "se"] == pytest.approx(9.7467, abs=5e-5)
    assert fixed.loc["Days", "estimate"] == pytest.approx(10.4673, abs=5e-5)
    assert fixed.loc["Days", "se"] == pytest.approx(0.8042, abs=5e-5)
    # Wald inference (normal reference) from the printed estimate and SE: est -/+ z * SE with
    # z = qnorm(0.975), p = 2 * (1 - pnorm(|est/SE|)). The printed values' rounding moves the
    # limits by < 2e-4 and p by < 2 % (d log p = |z| dz); a t(30) quantile (2.0423) moves the
    # Days limits by 0.066, a one-sided p halves p.
    z = 1.959963984540054
    for term, estimate, se in (("Intercept", 251.4051, 9.7467), ("Days", 10.4673, 0.8042)):
        assert fixed.loc[term, "ci_low"] == pytest.approx(estimate - z * se, abs=2e-4)
        assert fixed.loc[term, "ci_high"] == pytest.approx(estimate + z * se, abs=2e-4)
        two_sided = 2 * stats.norm.sf(abs(estimate / se))
        assert fixed.loc[term, "p_value"] == pytest.approx(two_sided, rel=0.02, abs=0)
    assert fixed.loc["Days", "p_value"] == pytest.approx(1.0e-38, rel=0.02, abs=0)
    random = res[res["effect"] == "random"].set_index("term")["estimate"]
    assert random["sd__(Intercept)"] == pytest.approx(37.12, abs=5e-3)
    assert random["sd__Observation"] == pytest.approx(30.99, abs=5e-3)


def test_random_intercept_default_returns_fixed_rows_only(sleepstudy):
    res = fit_random_intercept(sleepstudy, "Reaction ~ Days", subject="Subject")
    assert list(res.columns) == [
        "effect", "term", "estimate", "se", "ci_low", "ci_high", "p_value"
    ]
    assert res["effect"].eq("fixed").all() and len(res) == 2


def test_random_intercept_drops_only_incomplete_rows(sleepstudy):
    holes = sleepstudy.copy()
    holes.loc[[3, 50, 51], "Reaction"] = np.nan
    res = fit_random_intercept(holes, "Reaction ~ Days", subject="Subject")
    by_hand = fit_random_intercept(holes.dropna(), "Reaction ~ Days", subject="Subject")
    np.testing.assert_allclose(res["estimate"], by_hand["estimate"], rtol=1e-6)


def test_arm_by_wave_uses_the_helper_with_reml(monkeypatch):
    # arm_by_wave must fit through fit_random_intercept, REML by default (tested above)
    calls = []
    original = mixed.fit_random_intercept

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(mixed, "fit_random_intercept", recording)
    arm_by_wave(simulate_panel(60, seed=3), "score", "arm", "wave", "pid",
                "treatment", "internal_control")
    assert len(calls) == 1 and calls[0]["reml"] is True


def simulate_panel(
    n_subjects: int,
    seed: int,
    effects: dict[str, float] | None = None,
    drop_share: float = 0.2,
) -> pd.DataFrame:
    """Long panel: 4 offices, 2 arms, waves T0-T2, random intercepts, some waves missing."""
    effects = effects or {"T1": 0.3, "T2": 0.6}
    rng = np.random.default_rng(seed)
    subject_ids = [f"P-{i:05d}" for i in range(n_subjects)]
    arms = rng.permutation(np.repeat(["treatment", "internal_control"], n_subjects // 2))
    offices = rng.choice(["moss", "rygge", "royken", "hurum"], size=n_subjects)
    office_shift = {"moss": 0.0, "rygge": 0.2, "royken": -0.3, "hurum": 0.1}
    wave_shift = {"T0": 0.0, "T1": 0.1, "T2": 0.15}
    intercepts = rng.normal(0, 0.8, n_subjects)
    rows = []
    for pid, arm, office, u in zip(subject_ids, arms, offices, intercepts, strict=True):
        for wave in ("T0", "T1", "T2"):
            if wave != "T0" and rng.random() < drop_share:
                continue
            mean = 3.0 + office_shift[office] + wave_shift[wave] + u
            if arm == "treatment":
                mean += 0.05 + effects.get(wave, 0.0)
            rows.append((pid, arm, office, wave, mean + rng.normal(0, 0.5)))
    return pd.DataFrame(rows, columns=["pid", "arm", "office", "wave", "score"])


def test_arm_by_wave_recovers_known_interaction():
    data = simulate_panel(400, seed=2016)
    res = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    assert res["wave"].tolist() == ["T1", "T2"]
    for _, row in res.iterrows():
        truth = {"T1": 0.3, "T2": 0.6}[row["wave"]]
        assert row["ci_low"] < truth < row["ci_high"]
        assert abs(row["estimate"] - truth) < 3 * row["se"]
        assert 0.03 < row["se"] < 0.1  # about 0.5 * sqrt(2 / 160) for change scores
    assert res["n_subjects"].eq(400).all()
    assert res["n_obs"].eq(len(data)).all()  # every available row, not complete cases
    assert res.loc[0, "n_treatment"] + res.loc[0, "n_control"] == (data["wave"] == "T1").sum()


def test_arm_by_wave_ci_and_p_are_two_sided_wald():
    # arm_by_wave passes on fit_random_intercept's Wald inference unchanged:
    # est -/+ qnorm(0.975) * SE and p = 2 * (1 - pnorm(|est/SE|)), here with p-values between
    # 0.01 and 0.6 so that a one-sided p (half) or a t(30) quantile shows.
    data = simulate_panel(300, seed=7, effects={"T1": 0.05, "T2": -0.1})
    res = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    assert (res["p_value"] > 0.01).all() and (res["p_value"] < 0.6).all()
    z = 1.959963984540054
    np.testing.assert_allclose(res["ci_low"], res["estimate"] - z * res["se"], rtol=1e-12)
    np.testing.assert_allclose(res["ci_high"], res["estimate"] + z * res["se"], rtol=1e-12)
    np.testing.assert_allclose(res["p_value"],
                               2 * stats.norm.sf(np.abs(res["estimate"] / res["se"])),
                               rtol=1e-10)


def test_arm_by_wave_null_effect_not_significant_and_sign():
    data = simulate_panel(400, seed=7, effects={"T1": 0.0, "T2": -0.5})
    res = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    t1, t2 = res.iloc[0], res.iloc[1]
    assert t1["ci_low"] < 0 < t1["ci_high"]
    assert t2["ci_high"] < 0  # harm shows as a negative difference in change
    swapped = arm_by_wave(data, "score", "arm", "wave", "pid", "internal_control", "treatment")
    np.testing.assert_allclose(swapped["estimate"], -res["estimate"], rtol=1e-5, atol=1e-8)


def test_arm_by_wave_balanced_equals_difference_in_mean_change():
    # With complete, balanced data and no covariates, the REML interaction estimate equals the
    # difference between arms in mean change from baseline (GLS = OLS in this design).
    data = simulate_panel(80, seed=11, drop_share=0.0)
    res = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control",
                      covariates=())
    wide = data.pivot(index="pid", columns="wave", values="score")
    arm = data.groupby("pid")["arm"].first()
    for wave, estimate in zip(res["wave"], res["estimate"], strict=True):
        change = wide[wave] - wide["T0"]
        expected = change[arm == "treatment"].mean() - change[arm == "internal_control"].mean()
        assert estimate == pytest.approx(expected, abs=1e-6)


def test_arm_by_wave_wave_order_other_arms_and_baseline_only_subjects():
    data = simulate_panel(120, seed=5)
    extra = pd.DataFrame(
        {
            "pid": ["P-99999", "X-00001", "X-00001"],
            "arm": ["treatment", "external_control", "external_control"],
            "office": ["moss", "modum", "modum"],
            "wave": ["T0", "T0", "T1"],
            "score": [3.0, 2.0, 2.5],
        }
    )
    data = pd.concat([data, extra], ignore_index=True)
    data["wave"] = pd.Categorical(data["wave"], categories=["T0", "T1", "T2"], ordered=True)
    res = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    assert res["wave"].tolist() == ["T1", "T2"]
    assert res.loc[0, "n_subjects"] == 121  # baseline-only subject counted, external left out
    assert res.loc[0, "n_obs"] == len(data) - 2


def test_arm_by_wave_input_errors():
    data = simulate_panel(40, seed=1)
    with pytest.raises(ValueError, match="more than one row"):
        arm_by_wave(pd.concat([data, data.head(1)]), "score", "arm", "wave", "pid",
                    "treatment", "internal_control")
    with pytest.raises(ValueError, match="level"):
        arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control",
                    baseline="baseline")
    only_treated_t2 = data[~((data["wave"] == "T2") & (data["arm"] == "internal_control"))]
    with pytest.raises(ValueError, match="only one arm"):
        arm_by_wave(only_treated_t2, "score", "arm", "wave", "pid", "treatment",
                    "internal_control")
    with pytest.raises(TypeError, match="numeric"):
        arm_by_wave(data.assign(score=data["score"].astype(str)), "score", "arm", "wave", "pid",
                    "treatment", "internal_control")
