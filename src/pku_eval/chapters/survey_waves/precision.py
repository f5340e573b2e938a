"""The precision of the scale effects (#16): small-sample inference, standardised effect sizes
and, at the interim, the precision the final report will have.

- Small samples: the pinned ``scales.<scale>.arm_by_wave.<wave>`` keys are Wald with a normal
  reference (REPORT_SPEC.md). With a randomised n as small as the real trial's (268) the t
  reference with Satterthwaite's degrees of freedom is the honest one: the same model (REML,
  ``score ~ arm × wave + office``, random intercept per participant, every available wave) on
  the same data, :func:`pku_eval.stats.mixed_fast.arm_by_wave_fast` with
  ``df_method="satterthwaite"`` (as R's lmerTest), beside the pinned key.
- Effect sizes: Hedges' g of the change from T0 to the wave, treatment against internal
  control, among the randomised participants with both scores
  (:func:`pku_eval.stats.effect_sizes.hedges_g`, as metafor's ``escalc(measure = "SMD")``).
- Precision forecast (interim reports only): the half-width the interval of the pinned key will
  have when every participant randomised so far has reached the wave, at today's response at
  that wave (:func:`pku_eval.stats.sensitivity.half_width_at_sizes`), so that the team can act
  on follow-up while it still can.

All follow the main model: a wave whose main estimate is not reported (withheld, not due, not
estimable) carries the main model's reason.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...codebook import SURVEY_SCALES
from ...stats.effect_sizes import hedges_g
from ...stats.errors import EstimationError
from ...stats.mixed_fast import arm_by_wave_fast
from ...stats.sensitivity import half_width_at_sizes
from ...tidy import due_waves
from ...disclosure import Policy
from ...values import SUPPRESSED, Value
from .analyses import CONTROL, TREATMENT, Missing, estimation_missing

#: The reference distribution of the small-sample key (stats.mixed_fast.DF_METHODS).
DF_METHOD = "satterthwaite"
COLUMNS = ["scale", "wave", "missing", "estimate", "ci_low", "ci_high", "p_value", "df",
           "g", "g_ci_low", "g_ci_high", "g_missing", "n_g"]


def small_sample(long: pd.DataFrame, randomised: pd.DataFrame, model: pd.DataFrame,
                 policy: Policy) -> pd.DataFrame:
    """One row per scale × later wave of ``model`` (the main model's rows, from
    :func:`.analyses.trial_model`): the Satterthwaite estimate and Hedges' g, or the reason
    (``missing``, ``g_missing``: a :class:`Missing`) they are not there; g is withheld when an
    arm has too few participants with both scores (``policy``)."""
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    rows = []
    for scale in SURVEY_SCALES:
        main = model[model["scale"] == scale]
        fit_waves = list(main.loc[main["in_model"], "wave"])
        fitted, failure = pd.DataFrame(), None
        if fit_waves:
            data = trial[trial[scale].notna() & trial["wave"].isin(["T0", *fit_waves])]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fitted = arm_by_wave_fast(data, scale, "arm", "wave", "participant_id",
                                              TREATMENT, CONTROL, baseline="T0",
                                              covariates=("office",), df_method=DF_METHOD)
                fitted = fitted.set_index("wave")
            except EstimationError as exc:
                failure = estimation_missing(exc)
        for _, m in main.iterrows():
            row = dict.fromkeys(COLUMNS, np.nan)
            row.update(scale=scale, wave=m["wave"], missing=None, g_missing=None, n_g=0)
            reason = m["missing"] if m["missing"] is not None else (
                None if m["in_model"] else Missing("too_few"))
            if reason is not None:
                row["missing"] = row["g_missing"] = reason
                rows.append(row)
                continue
            if failure is not None or m["wave"] not in fitted.index:
                row["missing"] = failure or Missing("too_few")
            else:
                f = fitted.loc[m["wave"]]
                row.update({k: float(f[k]) for k in ("estimate", "ci_low", "ci_high",
                                                     "p_value", "df")})
            row.update(_hedges(trial, scale, m["wave"], policy))
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _hedges(trial: pd.DataFrame, scale: str, wave: str, policy: Policy) -> dict:
    """Hedges' g of the change T0 → ``wave`` among those with both scores."""
    wide = trial[trial["wave"].isin(["T0", wave])].pivot_table(
        index=["participant_id", "arm"], columns="wave", values=scale, observed=True)
    if not {"T0", wave} <= set(map(str, wide.columns)):
        return {"g_missing": Missing("too_few")}
    wide.columns = wide.columns.astype(str)
    change = (wide[wave] - wide["T0"]).dropna().rename("change").reset_index()
    if policy.guard([int((change["arm"] == a).sum()) for a in (TREATMENT, CONTROL)]):
        return {"g_missing": Missing(SUPPRESSED, {"min_cell": policy.min_cell})}
    try:
        r = hedges_g(change, "change", "arm", TREATMENT, CONTROL).iloc[0]
    except EstimationError as exc:
        return {"g_missing": estimation_missing(exc)}
    except ValueError:    # an arm without anyone with both scores
        return {"g_missing": Missing("too_few")}
    return {"g": float(r["estimate"]), "g_ci_low": float(r["ci_low"]),
            "g_ci_high": float(r["ci_high"]), "n_g": int(r["n_treatment"] + r["n_control"])}


def small_sample_values(table: pd.DataFrame) -> dict:
    """``scales.<scale>.arm_by_wave_small_sample.<wave>`` and ``scales.<scale>.hedges_g.<wave>``
    as values."""
    values = {}
    for _, r in table.iterrows():
        scale, wave = r["scale"], r["wave"]
        path = f"scales.{scale}.arm_by_wave_small_sample.{wave}"
        values[path] = (Value.null(r["missing"].reason()) if r["missing"] is not None else
                        Value({k: float(r[k]) for k in ("estimate", "ci_low", "ci_high",
                                                        "p_value", "df")}))
        path = f"scales.{scale}.hedges_g.{wave}"
        values[path] = (Value.null(r["g_missing"].reason()) if r["g_missing"] is not None else
                        Value({"estimate": float(r["g"]), "ci_low": float(r["g_ci_low"]),
                               "ci_high": float(r["g_ci_high"])}, n=int(r["n_g"])))
    return values


R_NOBODY_DUE = "no randomised participant is due at the wave yet"


def precision_forecast(stage, randomised: pd.DataFrame, model: pd.DataFrame, params) -> dict:
    """``scales.<scale>.precision_forecast.<wave>`` (interim reports only; a final report has
    no such keys): {half_width_now, half_width_final, n_treatment_final, n_control_final}; the
    final sizes are the randomised participants of each arm times the arm's share with a score
    at the wave among those due now."""
    values = {}
    if params.stage != "interim":
        return values
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, list(params.waves))
    n_arm = randomised["arm"].value_counts()
    for _, m in model.iterrows():
        path = f"scales.{m['scale']}.precision_forecast.{m['wave']}"
        if m["missing"] is not None:
            values[path] = Value.null(m["missing"].reason())
            continue
        if not m["in_model"]:
            values[path] = Value.null(Missing("too_few").reason())
            continue
        at = due[(due["wave"] == m["wave"]) & due["due"]]
        n_due = {a: int((at["arm"] == a).sum()) for a in (TREATMENT, CONTROL)}
        if min(n_due.values()) == 0:
            values[path] = Value.null(R_NOBODY_DUE)
            continue
        now = {TREATMENT: int(m["n_treatment"]), CONTROL: int(m["n_control"])}
        final = {a: int(n_arm.get(a, 0)) * now[a] / n_due[a] for a in (TREATMENT, CONTROL)}
        half_now = (float(m["ci_high"]) - float(m["ci_low"])) / 2
        try:
            half_final = half_width_at_sizes(half_now, now[TREATMENT], now[CONTROL],
                                             final[TREATMENT], final[CONTROL])
        except EstimationError as exc:
            values[path] = Value.null(estimation_missing(exc).reason())
            continue
        values[path] = Value({"half_width_now": half_now, "half_width_final": half_final,
                              "n_treatment_final": round(final[TREATMENT]),
                              "n_control_final": round(final[CONTROL])},
                             n=min(now.values()))
    return values
