"""The job coaches in the scale analyses (#16): a partially nested model per scale and wave.

SE participants are followed by job coaches, controls by no one in particular. Per scale and
follow-up wave whose main estimate is reported, the randomised participants with a score at
the wave and at T0: ``score ~ arm + T0 score + office`` with a random coach intercept in the
treatment arm only (:func:`pku_eval.stats.clustered.partially_nested_effect`, REML), beside
the same model without the coach effect; the ratio of the two interval widths says how much
taking the coaches into account widens the interval. A participant's coach is the coach of most
of their SE log rows; a treated participant without log rows is a coach of their own.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...codebook import SURVEY_SCALES
from ...stats.clustered import partially_nested_effect
from ...stats.errors import EstimationError
from ..employment.sensitivity import coach_of_participant
from .analyses import CONTROL, TREATMENT, Missing, estimation_missing

COLUMNS = ["scale", "wave", "missing", "estimate", "ci_low", "ci_high", "p_value",
           "width_ratio", "sd_coach", "icc", "n", "n_coaches"]


def partially_nested(stage, long: pd.DataFrame, randomised: pd.DataFrame,
                     model: pd.DataFrame) -> pd.DataFrame:
    """One row per scale × later wave of ``model`` (the main model's rows): the coach-aware
    estimate, or ``missing`` (a :class:`Missing`) with the reason it is not there."""
    rows = []
    has_log = stage.has("se_log")
    coach = (coach_of_participant(stage.table("se_log"))
             if has_log and len(stage.table("se_log")) else pd.Series(dtype=object))
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    for _, m in model.iterrows():
        row = dict.fromkeys(COLUMNS, np.nan)
        row.update(scale=m["scale"], wave=m["wave"], missing=None, n=0, n_coaches=0)
        if m["missing"] is not None or not m["in_model"]:
            row["missing"] = m["missing"] if m["missing"] is not None else Missing("too_few")
            rows.append(row)
            continue
        if not has_log:
            row["missing"] = Missing("no_se_log")
            rows.append(row)
            continue
        scale, wave = m["scale"], m["wave"]
        base = trial.loc[trial["wave"] == "T0", ["participant_id", scale]].rename(
            columns={scale: "_t0"})
        data = trial[trial["wave"] == wave][["participant_id", "arm", "office", scale]].merge(
            base, on="participant_id").dropna(subset=[scale, "_t0"])
        data = data.assign(coach=data["participant_id"].map(coach).where(
            data["arm"] == TREATMENT))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = partially_nested_effect(data, scale, "arm", TREATMENT, CONTROL, "coach",
                                            covariates=["_t0", "office"]).iloc[0]
        except EstimationError as exc:
            row["missing"] = estimation_missing(exc)
            rows.append(row)
            continue
        row.update({k: float(r[k]) for k in ("estimate", "ci_low", "ci_high", "p_value",
                                             "width_ratio", "icc")})
        row.update(sd_coach=float(r["sd_cluster"]), n=int(r["n"]),
                   n_coaches=int(r["n_clusters"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def nested_values(table: pd.DataFrame) -> dict:
    """``scales.<scale>.partially_nested.<wave>`` as values."""
    from ...values import Value

    values = {}
    for scale in SURVEY_SCALES:
        for _, r in table[table["scale"] == scale].iterrows():
            path = f"scales.{scale}.partially_nested.{r['wave']}"
            if r["missing"] is not None:
                values[path] = Value.null(r["missing"].reason())
            else:
                values[path] = Value({k: float(r[k]) for k in (
                    "estimate", "ci_low", "ci_high", "p_value", "width_ratio", "sd_coach",
                    "icc")} | {"n_coaches": int(r["n_coaches"])}, n=int(r["n"]))
    return values
