"""The primary estimand of the trial and the analyses that carry the design (#16).

The estimand (ICH E9(R1)): among KLAR participants randomised to SE or usual follow-up at the
trial offices (withdrawn excluded, by allocated arm), the difference in the share with a first
ordinary paid job within the horizon of ``analysis_plan.horizon_months`` months after
enrolment, treatment − internal control. Estimated from Kaplan-Meier curves (so participants
followed for less than the horizon count for as long as they were followed), with the
restricted mean time without a job up to the horizon as its companion, and the number needed
to treat (the offer of SE to how many participants gives one more a job by the horizon) with
Altman's interval, which runs through infinity to the harm side when the interval of the
difference includes 0; beside them, because randomisation was within office, the
Mantel-Haenszel risk difference over offices and the test of whether the offices' differences
vary more than chance would make them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...codebook import DAYS_PER_MONTH
from ...disclosure import Policy
from ...params import Params
from ...stats.effect_sizes import number_needed_to_treat
from ...stats.errors import EstimationError
from ...stats.stratified import mantel_haenszel_rd
from ...stats.survival_contrasts import km_risk_difference, rmst_difference
from ...values import Value

TREATMENT, CONTROL = "treatment", "internal_control"
R_NOBODY_AT_HORIZON = "an arm has nobody still followed at the horizon"
R_NO_STRATA = "no trial office with participants in both arms"
R_NNT_INFINITE = "infinite (a difference or a limit of its interval is 0)"
#: A first ordinary paid job is good for the person: a positive difference (treatment −
#: control) is a benefit of SE (stats.number_needed_to_treat's ``event_is``).
NNT_EVENT = "beneficial"


@dataclass(frozen=True)
class Primary:
    """The estimates of the primary analysis (each a :class:`Value`) and their inputs."""

    horizon_months: int
    horizon_days: float
    km_rd: Value            # employment.horizon.risk_difference
    risks: dict             # arm -> Value of 1 − S(horizon)
    rmst: Value             # time_to_work.rmst_difference (months)
    rmst_arms: dict         # arm -> Value of the restricted mean (months)
    mh_rd: Value            # employment.risk_difference_stratified
    heterogeneity: Value    # {q_statistic, q_df, p_value, i_squared}
    nnt: Value              # employment.horizon.nnt (Altman 1998)


def _floats(row: pd.Series, keys) -> dict:
    out = {}
    for k in keys:
        v = row.get(k)
        out[k] = None if v is None or pd.isna(v) or v in (float("inf"), float("-inf")) \
            else float(v)
    return out


def _undefined(d: dict) -> str | None:
    return "not defined for these data" if None in d.values() else None


def compute_primary(rand: pd.DataFrame, params: Params, guard: str | None) -> Primary:
    """The primary analysis on the randomised participants with register data (``rand``:
    ``days``, ``event``, ``arm``, ``office``, ``employed``); ``guard``: why the arms cannot be
    compared (the policy's reason), or ``None``."""
    plan = params.analysis_plan
    policy = Policy(params.min_cell)
    days = plan.horizon_days
    arms = (TREATMENT, CONTROL)
    if guard is not None:
        null = Value.null(guard)
        return Primary(plan.horizon_months, days, null, {a: null for a in arms}, null,
                       {a: null for a in arms}, null, null, null)
    # the KM risk by the horizon: Greenwood variances, Wald interval
    km = km_risk_difference(rand, "days", "event", "arm", days, TREATMENT, CONTROL).iloc[0]
    if km["note"]:
        km_rd = Value.null(R_NOBODY_AT_HORIZON)
        risks = {a: Value.null(R_NOBODY_AT_HORIZON) for a in arms}
    else:
        est = _floats(km, ("estimate", "ci_low", "ci_high"))
        km_rd = Value(est, n=int(km["n_treatment"] + km["n_control"]), reason=_undefined(est))
        # a curve's value rests on those still followed at the horizon
        risks = {a: policy.stat(float(km[f"risk_{tag}"]), int(km[f"at_risk_{tag}"]))
                 for a, tag in ((TREATMENT, "treatment"), (CONTROL, "control"))}
    # restricted mean time without a job, in months, up to the horizon
    months = rand.assign(months=rand["days"] / DAYS_PER_MONTH)
    try:
        rm = rmst_difference(months, "months", "event", "arm", float(plan.horizon_months),
                             TREATMENT, CONTROL).iloc[0]
    except EstimationError as exc:
        rm = None
        rmst = Value.null(f"not estimable: {exc.reason}")
    if rm is not None and rm["note"]:
        rmst = Value.null(R_NOBODY_AT_HORIZON)
        rm = None
    if rm is not None:
        est = _floats(rm, ("estimate", "ci_low", "ci_high", "p_value"))
        rmst = Value(est, n=int(rm["n_treatment"] + rm["n_control"]), reason=_undefined(est))
    rmst_arms = {a: (Value(float(rm[f"rmst_{tag}"])) if rm is not None else rmst)
                 for a, tag in ((TREATMENT, "treatment"), (CONTROL, "control"))}
    # the design: Mantel-Haenszel over the trial offices, and heterogeneity between offices
    try:
        mh = mantel_haenszel_rd(rand, "employed", "arm", "office", TREATMENT, CONTROL).iloc[0]
    except EstimationError as exc:
        null = Value.null(R_NO_STRATA if exc.reason == "no_data" else
                          f"not estimable: {exc.reason}")
        mh_rd, het = null, null
    else:
        est = _floats(mh, ("estimate", "ci_low", "ci_high"))
        mh_rd = Value(est, n=int(mh["n_treatment"] + mh["n_control"]), reason=_undefined(est))
        q = {"q_statistic": mh["q_statistic"], "q_df": mh["q_df"], "p_value": mh["q_p_value"],
             "i_squared": mh["i_squared"], "n_offices": mh["n_strata"]}
        q = _floats(pd.Series(q), q)
        het = (Value(q, reason=_undefined(q)) if q["q_statistic"] is not None else
               Value.null("fewer than two offices with both arms"))
    return Primary(plan.horizon_months, days, km_rd, risks, rmst, rmst_arms, mh_rd, het,
                   nnt_value(km_rd))


def nnt_value(km_rd: Value) -> Value:
    """The number needed to treat by the horizon from the primary difference and its interval
    (:func:`pku_eval.stats.number_needed_to_treat`, Altman 1998): ``estimate`` > 0 is a number
    needed to treat for one more to benefit (NNTB), < 0 for one more to be harmed (NNTH, its
    absolute value); ``ci_low``, ``ci_high`` on the same signed scale, running from the NNTB
    limit through infinity to the NNTH limit when ``crosses_infinity``; an infinite number is
    null with its reason (JSON has no infinity)."""
    if not km_rd.shown:
        return Value.null(km_rd.reason)
    est = km_rd.estimate
    if any(est.get(k) is None for k in ("estimate", "ci_low", "ci_high")):
        return Value.null("the primary difference has no interval")
    r = number_needed_to_treat(est["estimate"], est["ci_low"], est["ci_high"],
                               event_is=NNT_EVENT).iloc[0]
    out = _floats(r, ("estimate", "ci_low", "ci_high", "nnt"))
    out["kind"] = str(r["kind"]) or None
    out["crosses_infinity"] = bool(r["crosses_infinity"])
    return Value(out, n=km_rd.n, reason=R_NNT_INFINITE if None in out.values() else None)


def primary_values(p: Primary) -> dict:
    """The results.json values of the primary analysis (pinned keys first, then extra)."""
    return {
        "employment.horizon.risk_difference": p.km_rd,
        "time_to_work.rmst_difference": p.rmst,
        "employment.risk_difference_stratified": p.mh_rd,
        "employment.horizon.months": Value(p.horizon_months),
        "employment.horizon.risk.treatment": p.risks[TREATMENT],
        "employment.horizon.risk.internal_control": p.risks[CONTROL],
        "time_to_work.rmst.treatment": p.rmst_arms[TREATMENT],
        "time_to_work.rmst.internal_control": p.rmst_arms[CONTROL],
        "employment.by_office_heterogeneity": p.heterogeneity,
        "employment.horizon.nnt": p.nnt,
    }
