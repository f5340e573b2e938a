"""The δ-adjusted (MNAR) tipping point of the scale effects (#16).

The mixed model and the multiple imputation assume that the scores not given are missing at
random (MAR). Per scale, the scores at T0 and every reported later wave of all randomised
participants — those with no score at all included — are imputed by chained equations within
each arm from the baseline covariates (:data:`.analyses.COVARIATES`); per reported wave, among the
participants for whom the wave is due, every imputed score of the treatment arm is shifted by δ
(scale points) and each completed data set is analysed by ANCOVA (score at the wave ~ arm +
score at T0 + the covariates), pooled by Rubin's rules with Barnard–Rubin degrees of freedom
(:func:`pku_eval.stats.delta_adjust.delta_adjusted_ancova`). The tipping point is the δ nearest
0 on :func:`delta_grid` (every shift up to the width of the scale, step :data:`DELTA_STEP`)
at which the conclusion (interval above 0, below 0, or containing 0)
differs from that under MAR. Above :data:`MAX_PARTICIPANTS` randomised participants the
analysis runs on a seeded random subsample of that size (the report says so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...codebook import SCALES, SURVEY_SCALES
from ...stats.delta_adjust import delta_adjusted_ancova, delta_tipping_point
from ...stats.errors import EstimationError
from ...stats.imputation import impute_chained
from ...tidy import due_waves
from ...values import Value
from .analyses import COVARIATES, CONTROL, TREATMENT, Missing, estimation_missing

#: Step of the shifts δ tried (scale points), added to the treatment arm's imputed scores.
DELTA_STEP = 0.01
#: Imputations, iterations per chain, and the largest number of participants analysed.
IMPUTATIONS, ITERATIONS, MAX_PARTICIPANTS = 20, 5, 5000


def delta_width(scale: str) -> float:
    """The largest shift tried: the width of the scale (highest − lowest score)."""
    return float(SCALES[scale].high - SCALES[scale].low)


def delta_grid(scale: str) -> np.ndarray:
    """The shifts δ tried for ``scale``: −width … +width in steps of :data:`DELTA_STEP`."""
    width = delta_width(scale)
    return np.round(np.arange(-width, width + DELTA_STEP / 2, DELTA_STEP), 10)


ROW = ["scale", "wave", "missing", "estimate", "ci_low", "ci_high", "p_value", "df", "fmi",
       "tipping", "n"]


def delta_tipping(stage, long: pd.DataFrame, randomised: pd.DataFrame, model: pd.DataFrame,
                  report_waves: list[str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Per scale × reported later wave of ``model``: the MAR estimate of the ANCOVA over the
    imputations, its tipping δ (``None`` when no δ of the grid changes the conclusion) or
    ``missing``; the curves (scale, wave, delta, estimate, ci_low, ci_high); and
    ``{"m", "n", "total"}`` (participants analysed and randomised)."""
    rows, curves = [], []
    people = randomised.set_index("participant_id")
    people = people[people[list(COVARIATES)].notna().all(axis=1)]
    info = {"m": IMPUTATIONS, "n": len(people), "total": len(people)}
    ids = people.index.to_numpy()
    seeds = np.random.SeedSequence([seed, 16]).spawn(len(SURVEY_SCALES) + 1)
    if len(ids) > MAX_PARTICIPANTS:
        pick = np.random.default_rng(seeds[-1]).choice(len(ids), MAX_PARTICIPANTS, replace=False)
        ids = ids[np.sort(pick)]
        info["n"] = MAX_PARTICIPANTS
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, report_waves)
    due = due.pivot(index="participant_id", columns="wave", values="due")
    trial = long[long["participant_id"].isin(ids)]
    for scale, seq in zip(SURVEY_SCALES, seeds, strict=False):
        main = model[(model["scale"] == scale) & model["in_model"] & model["missing"].isna()]
        for _, r in model[model["scale"] == scale].iterrows():
            if r["wave"] not in set(main["wave"]):
                rows.append({**dict.fromkeys(ROW), "scale": scale, "wave": r["wave"],
                             "missing": r["missing"] or Missing("too_few")})
        if main.empty:
            continue
        waves = ["T0", *main["wave"]]
        wide = (trial.pivot(index="participant_id", columns="wave", values=scale)
                .rename(columns=str).reindex(index=ids, columns=waves))
        frame = wide.join(people[["arm", *COVARIATES]]).rename_axis("participant_id")
        try:
            completed = impute_chained(frame.reset_index(), waves, predictors=list(COVARIATES),
                                       by="arm", m=IMPUTATIONS, n_iter=ITERATIONS,
                                       seed=int(np.random.default_rng(seq).integers(2**31)))
        except EstimationError as exc:
            rows += [{**dict.fromkeys(ROW), "scale": scale, "wave": w,
                      "missing": estimation_missing(exc)} for w in main["wave"]]
            continue
        imputed = wide.isna()
        for wave in main["wave"]:
            is_due = due[wave].reindex(ids).fillna(False).astype(bool) if wave in due else None
            keep = set(ids[is_due.to_numpy()]) if is_due is not None else set()
            part = completed[completed["participant_id"].isin(keep)]
            part = part.assign(_imputed=part["participant_id"].map(imputed[wave]).astype(bool))
            row = {**dict.fromkeys(ROW), "scale": scale, "wave": wave, "n": len(keep)}
            try:
                table = delta_adjusted_ancova(part, wave, "arm", TREATMENT, CONTROL, "_imputed",
                                              baseline="T0", covariates=list(COVARIATES),
                                              deltas=delta_grid(scale))
            except EstimationError as exc:
                rows.append({**row, "missing": estimation_missing(exc)})
                continue
            mar = table[table["delta"] == 0].iloc[0]
            row.update({k: float(mar[k]) for k in ("estimate", "ci_low", "ci_high", "p_value",
                                                   "df", "fmi")})
            row["tipping"] = delta_tipping_point(table)
            rows.append(row)
            curves.append(table[["delta", "estimate", "ci_low", "ci_high"]]
                          .assign(scale=scale, wave=wave))
    curve = (pd.concat(curves, ignore_index=True) if curves else
             pd.DataFrame(columns=["delta", "estimate", "ci_low", "ci_high", "scale", "wave"]))
    return pd.DataFrame(rows, columns=ROW), curve, info


def not_tipped(scale: str) -> str:
    """The reason of a null tipping point."""
    return (f"no shift of the treatment arm's unobserved scores within ±{delta_width(scale):g} "
            "points (the width of the scale) changes the conclusion")


def tipping_values(table: pd.DataFrame, info: dict) -> dict:
    """``scales.<scale>.sensitivity.mar_ancova.<wave>`` and
    ``scales.<scale>.sensitivity.tipping_delta.<wave>`` as values."""
    values = {}
    for _, r in table.iterrows():
        base = f"scales.{r['scale']}.sensitivity"
        mar, tip = f"{base}.mar_ancova.{r['wave']}", f"{base}.tipping_delta.{r['wave']}"
        if r["missing"] is not None:
            values[mar] = values[tip] = Value.null(r["missing"].reason())
            continue
        n = int(r["n"])
        values[mar] = Value({**{k: float(r[k]) for k in ("estimate", "ci_low", "ci_high",
                                                         "p_value", "df", "fmi")},
                             "imputations": info["m"], "subsample": info["n"] < info["total"]},
                            n=n)
        values[tip] = (Value({"delta": float(r["tipping"])}, n=n) if r["tipping"] is not None
                       and not pd.isna(r["tipping"]) else Value.null(not_tipped(r["scale"])))
    return values
