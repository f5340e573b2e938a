"""Sensitivity analyses of the employment chapter (#16): the job coaches, the missing register
outcomes, the external control group by inverse probability weighting, and the precision the
final report will have.

- Coaches: SE participants are followed by job coaches, controls by no one in particular (a
  partially nested design). A participant's coach is the coach of most of their SE log rows;
  a treated participant without log rows, and every control, is a cluster of their own. The
  risk difference at follow-up end with a coach-robust (CR1) variance, and how much wider its
  interval is than the same estimator's without clusters.
- Missing register outcomes (randomised participants without an outcomes row): worst/best-case
  bounds, multiple imputation under MAR from the baseline covariates (seeded by
  ``params.seed``), and the tipping point: how much lower (in percentage points) the missing
  treated participants' chance of a first job would have to be than MAR predicts for the
  interval to reach 0.
- External control (observational, exploratory): ATE weights from a logistic propensity score
  on the baseline covariates, balance before and after, the weighted risk difference.
- Precision forecast: the half-width of the primary interval when everyone randomised so far
  has been followed to the horizon, at the current shares and share with register data; and
  how many participants (followed to the horizon, with register data) the interval needs for
  the half-width :data:`FORECAST_HALF_WIDTH`, at the current risks and allocation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...disclosure import Policy
from ...shared_counts import shared_counts
from ...stats.clustered import risk_difference_clustered
from ...stats.errors import EstimationError
from ...stats.sensitivity import (
    half_width_forecast,
    mi_risk_difference,
    missing_outcome_bounds,
    n_for_half_width,
    tipping_point,
)
from ...stats.weighting import balance_table, ipw_difference, propensity_weights
from ...values import SUPPRESSED, Value

TREATMENT, CONTROL, EXTERNAL = "treatment", "internal_control", "external_control"
#: Imputations of the MAR analysis and the tipping point (seeded by params.seed).
IMPUTATIONS = 20
#: Grid step of δ (probability scale) in the tipping-point search.
DELTA_STEP = 0.01
IPW_ESTIMAND = "ATE"
#: The half-width of the primary 95% interval the forecast states a sample size for (±5
#: percentage points).
FORECAST_HALF_WIDTH = 0.05

R_NO_SE_LOG = "no SE log (se_log) in the data directory: the coaches are not known"
R_NO_COACHES = "fewer than two coaches with two or more participants"
R_NO_MISSING = "no randomised participant lacks register data"
R_MAR_INCLUDES_ZERO = "the interval under MAR already includes 0: there is no conclusion to tip"
R_NOT_TIPPED = "no shift up to 100 percentage points brings the interval to 0"
R_NOT_INTERIM = "only at an interim stage"


@dataclass(frozen=True)
class Sensitivity:
    """The sensitivity analyses' values and the frames behind their table and figures."""

    values: dict
    balance: pd.DataFrame | None = None      # covariate, type, diff_unadjusted, diff_adjusted
    propensity: pd.DataFrame | None = None   # arm, ps (for the overlap figure)
    tipping: pd.DataFrame | None = None      # delta, estimate, ci_low, ci_high


def _floats(row, keys) -> dict:
    return {k: (None if row[k] is None or not np.isfinite(row[k]) else float(row[k]))
            for k in keys}


def coach_of_participant(se_log: pd.DataFrame) -> pd.Series:
    """The coach of most of each participant's SE log rows (ties: the first coach by id)."""
    counts = se_log.groupby(["participant_id", "coach_id"]).size().rename("rows").reset_index()
    counts = counts.sort_values(["participant_id", "rows", "coach_id"],
                                ascending=[True, False, True])
    return counts.drop_duplicates("participant_id").set_index("participant_id")["coach_id"]


def _coach_robust(rand: pd.DataFrame, stage, policy: Policy) -> Value:
    if not stage.has("se_log"):
        return Value.null(R_NO_SE_LOG)
    log = stage.table("se_log")
    coach = coach_of_participant(log) if len(log) else pd.Series(dtype=object)
    data = rand.assign(coach=rand["participant_id"].map(coach).where(
        rand["arm"] == TREATMENT))
    sizes = data.loc[data["arm"] == TREATMENT, "coach"].value_counts()
    if int((sizes >= 2).sum()) < 2:
        return Value.null(R_NO_COACHES)
    try:
        r = risk_difference_clustered(data, "employed", "arm", TREATMENT, CONTROL,
                                      cluster="coach").iloc[0]
    except EstimationError as exc:
        return Value.null(f"not estimable: {exc.reason}")
    est = _floats(r, ("estimate", "ci_low", "ci_high", "p_value", "width_ratio",
                      "ci_low_independent", "ci_high_independent"))
    est["n_coaches"] = int(r["n_clusters_treatment"])
    return Value(est, n=int(r["n_treatment"] + r["n_control"]))


def _missing(frame: pd.DataFrame, covariates, params, policy: Policy, shared):
    """Bounds, MAR imputation and tipping point for the randomised arms."""
    rand = frame[(frame["randomised"] == 1) & frame["arm"].isin([TREATMENT, CONTROL])]
    out = {}
    n_missing = {a: int((~rand.loc[rand["arm"] == a, "has_outcome"]).sum())
                 for a in (TREATMENT, CONTROL)}
    if sum(n_missing.values()) == 0:
        null = Value.null(R_NO_MISSING)
        return {"employment.missing.bounds": null, "employment.missing.mar": null,
                "employment.missing.tipping_point": null}, None
    n = len(rand)
    try:
        b = missing_outcome_bounds(rand, "employed", "arm", TREATMENT, CONTROL).iloc[0]
    except EstimationError as exc:
        null = Value.null(f"not estimable: {exc.reason}")
        return {"employment.missing.bounds": null, "employment.missing.mar": null,
                "employment.missing.tipping_point": null}, None
    # the bounds, with the published shares, would give away a withheld count of missing
    hidden = any(policy.hides(m) for m in n_missing.values()) or any(
        shared.is_hidden(q, a) for a in (TREATMENT, CONTROL)
        for q in ("klar_missing", "klar_with_outcome", "klar_analysed"))
    out["employment.missing.bounds"] = (
        Value.null(SUPPRESSED) if hidden else
        Value(_floats(b, ("estimate", "lower", "upper")), n=n))
    data = rand[["arm", "employed", *covariates]]
    try:
        mar = mi_risk_difference(data, "employed", "arm", TREATMENT, CONTROL, covariates,
                                 m=IMPUTATIONS, seed=params.seed).iloc[0]
        tp, table = tipping_point(data, "employed", "arm", TREATMENT, CONTROL, covariates,
                                  m=IMPUTATIONS, seed=params.seed, step=DELTA_STEP)
    except EstimationError as exc:
        null = Value.null(f"not estimable: {exc.reason}")
        out["employment.missing.mar"] = null
        out["employment.missing.tipping_point"] = null
        return out, None
    est = _floats(mar, ("estimate", "ci_low", "ci_high", "p_value", "fmi"))
    est["imputations"] = IMPUTATIONS
    out["employment.missing.mar"] = Value(est, n=n)
    if tp is not None:
        out["employment.missing.tipping_point"] = Value({"delta": tp}, n=n)
    else:
        mar_row = table.iloc[0]
        reason = (R_MAR_INCLUDES_ZERO if mar_row["ci_low"] <= 0 <= mar_row["ci_high"]
                  else R_NOT_TIPPED)
        out["employment.missing.tipping_point"] = Value.null(reason)
    return out, table


def _external_ipw(with_row: pd.DataFrame, covariates, policy: Policy, guard):
    pair = with_row[with_row["arm"].isin([TREATMENT, EXTERNAL])]
    if guard is not None:
        return Value.null(guard), None, None
    try:
        r = ipw_difference(pair, "employed", "arm", TREATMENT, EXTERNAL, covariates,
                           estimand=IPW_ESTIMAND).iloc[0]
        w = propensity_weights(pair.dropna(subset=["employed"]), "arm", TREATMENT, EXTERNAL,
                               covariates, estimand=IPW_ESTIMAND)
    except EstimationError as exc:
        return Value.null(f"not estimable: {exc.reason}"), None, None
    weighted = pair.loc[w.index].assign(_w=w["weight"])
    bal = balance_table(weighted, "arm", TREATMENT, EXTERNAL, covariates, weights="_w",
                        estimand=IPW_ESTIMAND)
    bal = bal.assign(base=[_level_base(weighted, c, kind, covariates)
                           for c, kind in zip(bal["covariate"], bal["type"])])
    est = _floats(r, ("estimate", "ci_low", "ci_high", "p_value", "ess_treatment",
                      "ess_control"))
    est["max_abs_diff_before"] = float(bal["diff_unadjusted"].abs().max())
    est["max_abs_diff_after"] = float(bal["diff_adjusted"].abs().max())
    ps = pd.DataFrame({"arm": weighted["arm"].to_numpy(), "ps": w["ps"].to_numpy()})
    return Value(est, n=int(r["n_treatment"] + r["n_control"])), bal, ps


def _level_base(data: pd.DataFrame, covariate: str, kind: str, covariates) -> int:
    """The people a balance row rests on: for a level of a categorical covariate (or a 0/1
    covariate) the fewer of the two arms' numbers with that level; else the smaller arm."""
    arms = [data[data["arm"] == a] for a in (TREATMENT, EXTERNAL)]
    if kind != "binary":
        return min(len(a) for a in arms)
    for col in covariates:
        if covariate == col:
            return min(int((a[col] == 1).sum()) for a in arms)
        if covariate.startswith(f"{col}_"):
            level = covariate[len(col) + 1:]
            return min(int((a[col].astype(str) == level).sum()) for a in arms)
    return min(len(a) for a in arms)


def _forecast(frame: pd.DataFrame, primary, interim: bool) -> Value:
    if not interim:
        return Value.null(R_NOT_INTERIM)
    km = primary.km_rd if primary is not None else None
    if km is None or not km.shown or km.estimate.get("ci_low") is None:
        return Value.null(km.reason if km is not None and km.reason else "no primary estimate")
    risks = {a: primary.risks[a] for a in (TREATMENT, CONTROL)}
    if not all(v.shown for v in risks.values()):
        return Value.null(SUPPRESSED)
    rand = frame[(frame["randomised"] == 1) & frame["arm"].isin([TREATMENT, CONTROL])]
    n_final = {}
    for a in (TREATMENT, CONTROL):
        g = rand[rand["arm"] == a]
        n_final[a] = len(g) * float(g["has_outcome"].mean()) if len(g) else 0.0
    try:
        hw = half_width_forecast(risks[TREATMENT].estimate, risks[CONTROL].estimate,
                                 n_final[TREATMENT], n_final[CONTROL])
    except EstimationError as exc:
        return Value.null(f"not estimable: {exc.reason}")
    now = (km.estimate["ci_high"] - km.estimate["ci_low"]) / 2
    # the sizes the stated half-width needs, at today's risks and allocation; and how many
    # randomised participants that is at today's share with register data
    need_t, need_c = n_for_half_width(risks[TREATMENT].estimate, risks[CONTROL].estimate,
                                      FORECAST_HALF_WIDTH,
                                      ratio=n_final[CONTROL] / n_final[TREATMENT])
    share = {a: float(rand.loc[rand["arm"] == a, "has_outcome"].mean())
             for a in (TREATMENT, CONTROL)}
    return Value({"half_width_now": float(now), "half_width_final": hw,
                  "n_treatment_final": round(n_final[TREATMENT]),
                  "n_control_final": round(n_final[CONTROL]),
                  "target_half_width": FORECAST_HALF_WIDTH,
                  "n_treatment_needed": math.ceil(need_t), "n_control_needed": math.ceil(need_c),
                  "n_randomised_needed": math.ceil(need_t / share[TREATMENT]
                                                   + need_c / share[CONTROL])}, n=len(rand))


def compute_sensitivity(frame, with_row, rand, stage, params, policy: Policy, primary,
                        interim: bool, pool_rare, covariates, categorical,
                        external_guard) -> Sensitivity:
    """All sensitivity analyses of the chapter (``rand``: the randomised arms with register
    data; ``frame``: every KLAR participant analysed, the missing included)."""
    guard = policy.guard([int((rand["arm"] == a).sum()) for a in (TREATMENT, CONTROL)])
    values = {}
    values["employment.sensitivity.coach_robust"] = (
        Value.null(guard) if guard else _coach_robust(rand, stage, policy))
    covariates = list(covariates)
    if guard:
        for key in ("employment.missing.bounds", "employment.missing.mar",
                    "employment.missing.tipping_point"):
            values[key] = Value.null(guard)
        table = None
    else:
        miss, table = _missing(pool_rare(frame, categorical), covariates, params, policy,
                               shared_counts(stage, params.waves, policy, params.filter))
        values.update(miss)
    ipw, bal, ps = _external_ipw(pool_rare(with_row, categorical), covariates, policy,
                                 external_guard)
    values["employment.external_ipw"] = ipw
    values["employment.horizon.precision_forecast"] = _forecast(frame, primary, interim)
    return Sensitivity(values=values, balance=bal, propensity=ps, tipping=table)
