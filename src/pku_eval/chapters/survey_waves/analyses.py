"""The analyses of the 'survey_waves' chapter, one function each (no display, no recording):
reliability of the scales, item distributions, means, the KLAR trial's arm × wave model, its
missing-data sensitivity analyses, Little's tests, self-reported employment and descriptive
change in the projects without a control group. :func:`.computation.compute` puts them together.

No function here changes its inputs; disclosure decisions are asked of a
:class:`~pku_eval.disclosure.Policy`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import text
from ...codebook import OFFICES, SCALES, SURVEY_SCALES
from ...disclosure import Policy
from ...stats.errors import EstimationError
from ...stats.imputation import impute_chained, rubin_pool
from ...stats.means import mean_ci, paired_difference
from ...stats.missing import little_mcar
from ...stats.mixed import arm_by_wave
from ...stats.mixed_fast import arm_by_wave_fast
from ...stats.reliability import cronbach_alpha, mcdonald_omega
from ...tidy import StageData, due_waves, reversed_items
from ...values import SUPPRESSED

TREATMENT, CONTROL = "treatment", "internal_control"
PROJECTS = tuple(OFFICES.var("project").codes)          # klar, ungjobb, sortrondelag
OTHER_PROJECTS = ("ungjobb", "sortrondelag")
#: Above this many participants in the model, the closed-form REML engine
#: (:func:`pku_eval.stats.mixed_fast.arm_by_wave_fast`, same model and estimates) replaces
#: statsmodels, whose fit loops over participants in Python (about a minute at 50 000).
FAST_ENGINE_ABOVE = 2000
#: Multiple imputation: imputations, iterations per chain, and the largest number of
#: participants imputed (a random subsample above it, for this sensitivity analysis only).
MI_IMPUTATIONS, MI_ITERATIONS, MI_MAX_PARTICIPANTS = 10, 5, 5000
#: Baseline covariates of the imputation models (multiple imputation and the δ-adjusted
#: tipping point): every randomised participant with them is imputed, scores or not.
COVARIATES = ("birth_year", "gender", "main_benefit", "education", "immigrant", "office")
#: Little's test: the largest number of rows tested (a random subsample above it; with more
#: rows the EM and pattern steps get slow, and the test is already very sensitive).
MCAR_MAX_ROWS = 20000


@dataclass(frozen=True)
class Missing:
    """Why a value is not computed: a reason code (``sw_reason_<code>``) and its values."""

    code: str
    values: dict = field(default_factory=dict)

    def reason(self) -> str:
        """The results.json reason (English; exactly ``"suppressed"`` for disclosure control)."""
        if self.code == SUPPRESSED:
            return SUPPRESSED
        return text.t(f"sw_reason_{self.code}", "en", **self.values)

    def show(self, language: str) -> str:
        return text.t(f"sw_reason_{self.code}", language, **self.values)


def estimation_missing(exc: EstimationError) -> Missing:
    """Why an estimate is missing, from the reason code of the stats function only: its
    message can name items or values of the data (a small office's "item … has no
    variance" told that everyone gave the same answer), so it is never shown."""
    return Missing("too_few") if exc.reason == "too_few" else Missing(f"est_{exc.reason}")


from ...tidy import survey_long  # noqa: E402,F401  (also counted per office: set_tables_survey)


def _randomised(stage: StageData) -> pd.DataFrame:
    a = stage.analysed
    return a[(a["project"] == "klar") & (a["randomised"] == 1)
             & a["arm"].isin([TREATMENT, CONTROL])]


def reliability(long: pd.DataFrame, min_cell: int | Policy) -> tuple[pd.DataFrame, dict]:
    """Cronbach's alpha (Feldt CI) and McDonald's omega per scale and wave, items after
    reversal, listwise; and ``scales.<scale>.alpha`` (T0, all arms and projects).

    ``min_cell``: the suppression policy (or its ``min_cell``); a wave with too few complete
    answers is withheld."""
    policy = min_cell if isinstance(min_cell, Policy) else Policy(int(min_cell))
    rows, alpha = [], {}
    for scale in SURVEY_SCALES:
        spec = SCALES[scale]
        for wave in long["wave"].cat.categories:
            items = reversed_items(long[long["wave"] == wave], spec)
            row = {"scale": scale, "wave": wave, "n": int(items.notna().all(axis=1).sum()),
                   "alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "omega": np.nan,
                   "missing": None}
            if policy.too_few(row["n"]):  # decided first: nothing is computed from too few
                row["missing"] = Missing(SUPPRESSED, {"min_cell": policy.min_cell})
                rows.append(row)
                continue
            try:
                a = cronbach_alpha(items, list(spec.items)).iloc[0]
                row.update(alpha=a["estimate"], ci_low=a["ci_low"], ci_high=a["ci_high"])
                row["omega"] = mcdonald_omega(items, list(spec.items)).loc[0, "estimate"]
            except EstimationError as exc:
                row["missing"] = estimation_missing(exc)
            rows.append(row)
        t0 = [r for r in rows if r["scale"] == scale and r["wave"] == "T0"]
        if not t0:
            alpha[scale] = Missing("no_baseline")
        else:
            alpha[scale] = t0[0]["missing"] or float(t0[0]["alpha"])
    return pd.DataFrame(rows), alpha


def item_distribution(t0: pd.DataFrame) -> pd.DataFrame:
    """Share of each answer (after reversal) per item at T0: scale, item, value, count, n."""
    rows = []
    for scale in SURVEY_SCALES:
        spec = SCALES[scale]
        items = reversed_items(t0, spec)
        for item in spec.items:
            counts = items[item].value_counts()
            n = int(counts.sum())
            for value in range(spec.low, spec.high + 1):
                rows.append({"scale": scale, "item": item,
                             "reversed": item in spec.reversed_items, "value": value,
                             "count": int(counts.get(float(value), 0)), "n": n})
    out = pd.DataFrame(rows)
    out["share"] = out["count"] / out["n"].where(out["n"] > 0)
    return out


def scale_means(long: pd.DataFrame) -> pd.DataFrame:
    """Mean with t CI per scale, project, arm and wave (mean_ci)."""
    frames = []
    for scale in SURVEY_SCALES:
        m = mean_ci(long.assign(wave=long["wave"].astype(str)), scale,
                    by=["project", "arm", "wave"])
        frames.append(m.assign(scale=scale))
    out = pd.concat(frames, ignore_index=True)
    return out[["scale", "project", "arm", "wave", "n", "mean", "sd", "ci_low", "ci_high"]]


def _fit(data: pd.DataFrame, scale: str, fast: bool) -> pd.DataFrame:
    """The arm × wave model on ``data`` (one engine or the other, same model)."""
    fitter = arm_by_wave_fast if fast else arm_by_wave
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitter(data, scale, "arm", "wave", "participant_id", TREATMENT, CONTROL,
                      baseline="T0", covariates=("office",))


def trial_model(stage: StageData, long: pd.DataFrame, randomised: pd.DataFrame,
                waves: list[str], policy: Policy) -> tuple[pd.DataFrame, bool]:
    """``scales.<scale>.arm_by_wave.<wave>``: the mixed model per scale (REPORT_SPEC.md), with
    the reason for every wave that cannot be reported (``waves``: the report's waves; an
    estimate is withheld when an arm has too few answers, as ``policy`` decides)."""
    later = [w for w in waves if w != "T0"]
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, waves)
    n_due = due[due["due"]].groupby("wave").size()
    fast = trial["participant_id"].nunique() > FAST_ENGINE_ABOVE
    rows = []
    for scale in SURVEY_SCALES:
        data = trial[trial[scale].notna()]
        counts = data.groupby(["wave", "arm"], observed=True).size()
        status, fit_waves = {}, []
        for wave in later:
            n_t, n_c = (int(counts.get((wave, a), 0)) for a in (TREATMENT, CONTROL))
            if len(randomised) == 0:
                status[wave] = Missing("no_randomised")
            elif "T0" not in waves:
                status[wave] = Missing("no_baseline")
            elif int(n_due.get(wave, 0)) == 0:
                status[wave] = Missing("not_due", {"wave": wave,
                                                   "date": f"{stage.cutoff:%Y-%m-%d}"})
            elif min(counts.get(("T0", a), 0) for a in (TREATMENT, CONTROL)) == 0:
                empty = next(a for a in (TREATMENT, CONTROL) if counts.get(("T0", a), 0) == 0)
                status[wave] = Missing("no_scores", {"wave": "T0", "arm": empty})
            elif min(n_t, n_c) == 0:
                status[wave] = Missing("no_scores", {"wave": wave,
                                                     "arm": TREATMENT if n_t == 0 else CONTROL})
            else:
                fit_waves.append(wave)
                status[wave] = (Missing(SUPPRESSED, {"min_cell": policy.min_cell})
                                if policy.guard([n_t, n_c]) else None)
        fitted = pd.DataFrame()
        if fit_waves:
            try:
                fitted = _fit(data[data["wave"].isin(["T0", *fit_waves])], scale, fast)
            except EstimationError as exc:
                for wave in fit_waves:
                    status[wave] = estimation_missing(exc)
        fitted = fitted.set_index("wave") if len(fitted) else fitted
        for wave in later:
            row = {"scale": scale, "wave": wave, "missing": status[wave], "estimate": np.nan,
                   "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                   "n_treatment": int(counts.get((wave, TREATMENT), 0)),
                   "n_control": int(counts.get((wave, CONTROL), 0)), "n_subjects": 0,
                   "in_model": wave in fit_waves and len(fitted) > 0}
            if row["in_model"]:
                f = fitted.loc[wave]
                row.update({k: float(f[k]) for k in ("estimate", "se", "ci_low", "ci_high",
                                                     "p_value")})
                row["n_subjects"] = int(f["n_subjects"])
            rows.append(row)
    return pd.DataFrame(rows), fast


def _present(data: pd.DataFrame, column: str, levels) -> bool:
    """Whether every one of ``levels`` occurs in ``data[column]`` (a stats function asked to
    compare a level without rows raises ValueError: wrong input, not an estimation problem)."""
    values = set(data[column].dropna().astype(str))
    return all(str(level) in values for level in levels)


def _wide(data: pd.DataFrame, scale: str, waves: list[str]) -> pd.DataFrame:
    wide = data.pivot(index="participant_id", columns="wave", values=scale)
    wide.columns = wide.columns.astype(str)
    return wide.reindex(columns=waves)


def sensitivity(stage: StageData, long: pd.DataFrame, randomised: pd.DataFrame,
                model: pd.DataFrame, report_waves: list[str],
                seed: int) -> tuple[pd.DataFrame, dict]:
    """The arm × wave effects under all-available (the main model, ``model`` from
    :func:`trial_model`), complete-case and multiple-imputation analyses (chained equations by
    arm, Rubin's rules with Barnard–Rubin degrees of freedom)."""
    rows, info = [], {"m": MI_IMPUTATIONS, "seed": seed, "n": 0, "total": 0}
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    people = randomised.set_index("participant_id")
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, report_waves)
    due = due.pivot(index="participant_id", columns="wave", values="due")
    seeds = np.random.SeedSequence(seed).spawn(len(SURVEY_SCALES))
    for scale, seq in zip(SURVEY_SCALES, seeds, strict=True):
        main = model[(model["scale"] == scale) & model["in_model"]]
        waves = ["T0", *main["wave"]]
        if main.empty:
            continue
        reported = main[main["missing"].isna()]
        for _, r in reported.iterrows():
            rows.append({"scale": scale, "wave": r["wave"], "method": "all", "n": r["n_subjects"],
                         **{k: r[k] for k in ("estimate", "ci_low", "ci_high", "p_value")}})
        data = trial[trial[scale].notna() & trial["wave"].isin(waves)]
        wide = _wide(data, scale, waves)
        # complete cases: a score at every wave of the model
        complete = wide.index[wide.notna().all(axis=1)]
        cc = data[data["participant_id"].isin(complete)]
        fit = pd.DataFrame()
        if _present(cc, "arm", (TREATMENT, CONTROL)) and _present(cc, "wave", ("T0",)):
            try:
                fit = _fit(cc, scale, True).set_index("wave")
            except EstimationError:
                pass
        for wave in reported["wave"]:
            if wave in fit.index:
                f = fit.loc[wave]
                rows.append({"scale": scale, "wave": wave, "method": "cc",
                             "n": int(f["n_subjects"]),
                             **{k: float(f[k]) for k in ("estimate", "ci_low", "ci_high",
                                                         "p_value")}})
        # multiple imputation, separately by arm, of every randomised participant with the
        # baseline covariates (those without any score included)
        rng = np.random.default_rng(seq)
        ids = people.index[people[list(COVARIATES)].notna().all(axis=1)].to_numpy()
        info["total"] = max(info["total"], len(ids))
        if len(ids) > MI_MAX_PARTICIPANTS:
            ids = np.sort(rng.choice(ids, MI_MAX_PARTICIPANTS, replace=False))
        info["n"] = max(info["n"], len(ids))
        frame = (wide.reindex(ids).rename_axis("participant_id")
                 .join(people[["arm", *COVARIATES]]))
        try:
            completed = impute_chained(frame.reset_index(), waves, predictors=list(COVARIATES),
                                       by="arm", m=MI_IMPUTATIONS, n_iter=MI_ITERATIONS,
                                       seed=int(rng.integers(2**31)))
        except EstimationError:
            continue
        stacked = completed.melt(id_vars=["imputation", "participant_id", "arm", "office"],
                                 value_vars=waves, var_name="wave", value_name=scale)
        is_due = due.reindex(columns=waves).stack()
        is_due.index.names = ["participant_id", "wave"]
        stacked = stacked.join(is_due.rename("due"), on=["participant_id", "wave"])
        stacked = stacked[stacked["due"].fillna(False).astype(bool)]
        fits = []
        for k, part in stacked.groupby("imputation"):
            try:
                fits.append(_fit(part.drop(columns="due"), scale, True).assign(imputation=k))
            except EstimationError:
                break
        if len(fits) == MI_IMPUTATIONS:
            # Barnard–Rubin df; complete-data df: participants − fixed effects (intercept, arm,
            # wave and arm × wave per later wave, office dummies), as mice's pool(dfcom = ...)
            n_fixed = 2 * len(waves) + frame["office"].nunique() - 1
            dfc = max(min(int(f["n_subjects"].min()) for f in fits) - n_fixed, 1)
            pooled = rubin_pool(pd.concat(fits), by="wave",
                                df_complete=float(dfc)).set_index("wave")
            for wave in reported["wave"]:
                if wave in pooled.index:
                    p = pooled.loc[wave]
                    rows.append({"scale": scale, "wave": wave, "method": "mi", "n": len(ids),
                                 **{k: float(p[k]) for k in ("estimate", "ci_low", "ci_high",
                                                             "p_value")}})
    cols = ["scale", "wave", "method", "n", "estimate", "ci_low", "ci_high", "p_value"]
    return pd.DataFrame(rows, columns=cols), info


def _mcar(data: pd.DataFrame, columns: list[str], seed: int) -> dict:
    """Little's test on the rows with any of ``columns`` observed (at most MCAR_MAX_ROWS of
    them, a seeded random subsample)."""
    rows = data.loc[data[columns].notna().any(axis=1), columns]
    total = len(rows)
    if total > MCAR_MAX_ROWS:
        rows = rows.sample(MCAR_MAX_ROWS, random_state=np.random.default_rng(seed))
    try:
        r = little_mcar(rows, columns).iloc[0]
    except EstimationError as exc:
        return {"statistic": np.nan, "df": np.nan, "p_value": np.nan, "n": 0, "total": total,
                "n_patterns": np.nan, "missing": estimation_missing(exc)}
    return {"statistic": float(r["statistic"]), "df": int(r["df"]), "p_value": r["p_value"],
            "n": int(r["n"]), "total": total, "n_patterns": int(r["n_patterns"]),
            "missing": None}


def mcar_items(long: pd.DataFrame, seed: int = 2016) -> pd.DataFrame:
    """Little's MCAR test on each scale's items, over all answers (all waves and projects)."""
    rows = [{"scale": s, **_mcar(long, list(SCALES[s].items), seed)} for s in SURVEY_SCALES]
    return pd.DataFrame(rows)


def mcar_waves(stage: StageData, long: pd.DataFrame, randomised: pd.DataFrame,
               waves: list[str], seed: int = 2016) -> pd.DataFrame:
    """Little's MCAR test on the wide scale scores (one column per wave) plus the arm (0/1),
    among randomised KLAR participants for whom every wave was due: attrition vs. arm and
    earlier scores."""
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, waves)
    waves = [w for w in waves if due.loc[due["wave"] == w, "due"].any()]  # a wave due for some
    due = due[due["wave"].isin(waves)]
    all_due = due.groupby("participant_id")["due"].all()
    ids = all_due.index[all_due]
    trial = long[long["participant_id"].isin(ids)]
    arm = randomised.set_index("participant_id").loc[ids, "arm"].eq(TREATMENT).astype(float)
    rows = []
    for scale in SURVEY_SCALES:
        wide = _wide(trial, scale, waves).reindex(ids)
        wide["treatment"] = arm
        rows.append({"scale": scale, **_mcar(wide, [*waves, "treatment"], seed)})
    return pd.DataFrame(rows)


def employment_table(long: pd.DataFrame) -> pd.DataFrame:
    """Self-reported employment by project, wave and arm: count per code and the number of
    valid answers (the base of the shares)."""
    valid = long[long["employment"].notna()]
    counts = (valid.groupby(["project", "wave", "arm", "employment"], observed=True).size()
              .rename("n").reset_index())
    base = valid.groupby(["project", "wave", "arm"], observed=True).size().rename("base")
    out = counts.join(base, on=["project", "wave", "arm"])
    out["share"] = out["n"] / out["base"]
    out["wave"] = out["wave"].astype(str)
    return out


def descriptive_change(long: pd.DataFrame, later: list[str]) -> pd.DataFrame:
    """Mean within-person change from T0 per non-randomised project, scale and later wave
    (paired t interval); descriptive only."""
    rows = []
    for project in OTHER_PROJECTS:
        sub = long[long["project"] == project].assign(wave=lambda d: d["wave"].astype(str))
        for scale in SURVEY_SCALES:
            for wave in later:
                row = {"project": project, "scale": scale, "wave": wave, "n": 0,
                       "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                       "mean_first": np.nan, "mean_second": np.nan}
                if not _present(sub, "wave", ("T0", wave)):  # a wave without answers yet
                    rows.append(row)
                    continue
                try:
                    r = paired_difference(sub, scale, "wave", "participant_id", "T0", wave)
                    r = r.iloc[0]
                    row.update(n=int(r["n_pairs"]), estimate=r["estimate"], ci_low=r["ci_low"],
                               ci_high=r["ci_high"], mean_first=r["mean_first"],
                               mean_second=r["mean_second"])
                except EstimationError:
                    pass
                rows.append(row)
    return pd.DataFrame(rows)

