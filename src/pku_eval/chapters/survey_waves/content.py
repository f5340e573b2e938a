"""Chapter 'survey_waves': the participant survey T0–T2 — reliability of the scales, change by
arm, the KLAR trial's arm × wave effects (linear mixed model), missing-data sensitivity,
self-reported employment, and descriptive change in the projects without a control group.

:func:`compute` does every calculation (no display); :func:`record` writes the results.json
keys ``scales.<scale>.alpha`` and ``scales.<scale>.arm_by_wave.<wave>`` (REPORT_SPEC.md) plus
extra keys (reliability per wave, sensitivity analyses, Little's test); the ``show_*``
functions publish one section each.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import text
from ...codebook import ARMS, EMPLOYMENT_CODES, OFFICES, SCALES, SURVEY_SCALES
from ...publish import Column
from ...stats.errors import EstimationError
from ...stats.imputation import impute_chained, rubin_pool
from ...stats.means import mean_ci, paired_difference
from ...stats.missing import little_mcar
from ...stats.mixed import arm_by_wave
from ...stats.mixed_fast import arm_by_wave_fast
from ...stats.reliability import cronbach_alpha, mcdonald_omega
from ...text import arm_name, fmt_int, fmt_num
from ...tidy import StageData, due_waves, reversed_items

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

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
#: Little's test: the largest number of rows tested (a random subsample above it; with more
#: rows the EM and pattern steps get slow, and the test is already very sensitive).
MCAR_MAX_ROWS = 20000


# ------------------------------------------------------------------------------ computations

@dataclass
class Missing:
    """Why a value is not computed: a reason code (``sw_reason_<code>``) and its values."""

    code: str
    values: dict = field(default_factory=dict)

    def reason(self) -> str:
        """The results.json reason (English; exactly ``"suppressed"`` for disclosure control)."""
        if self.code == "suppressed":
            return "suppressed"
        return text.t(f"sw_reason_{self.code}", "en", **self.values)

    def show(self, language: str) -> str:
        return text.t(f"sw_reason_{self.code}", language, **self.values)


@dataclass
class SurveyWaves:
    """Everything the chapter shows and records (see :func:`compute`)."""

    waves: list[str]
    later: list[str]
    cutoff: pd.Timestamp
    min_cell: int
    seed: int
    absent: Missing | None = None          # set when the survey file is missing
    n_randomised: dict = field(default_factory=dict)
    reliability: pd.DataFrame | None = None
    alpha: dict = field(default_factory=dict)  # scale -> float | Missing
    items: pd.DataFrame | None = None
    means: pd.DataFrame | None = None
    model: pd.DataFrame | None = None      # scale × later wave; "missing" holds a Missing
    fast_engine: bool = False
    sensitivity: pd.DataFrame | None = None
    mi: dict = field(default_factory=dict)
    mcar_items: pd.DataFrame | None = None
    mcar_waves: pd.DataFrame | None = None
    employment: pd.DataFrame | None = None
    change: pd.DataFrame | None = None


def compute(stage: StageData, params: dict) -> SurveyWaves:
    """Every number of the chapter, from the stage data and the params (no display)."""
    waves = list(params.get("waves", ["T0", "T1", "T2"]))
    res = SurveyWaves(waves=waves, later=[w for w in waves if w != "T0"], cutoff=stage.cutoff,
                      min_cell=int(params.get("min_cell", 5)), seed=int(params.get("seed", 2016)))
    if not stage.has("survey"):
        res.absent = Missing("no_survey")
        return res
    long = survey_long(stage, waves)
    randomised = _randomised(stage)
    res.n_randomised = randomised["arm"].value_counts().reindex([TREATMENT, CONTROL],
                                                                fill_value=0).to_dict()
    res.reliability, res.alpha = reliability(long, res.min_cell)
    res.items = item_distribution(long[long["wave"] == "T0"])
    res.means = scale_means(long)
    res.model, res.fast_engine = trial_model(stage, long, randomised, res)
    res.sensitivity, res.mi = sensitivity(stage, long, randomised, res)
    res.mcar_items = mcar_items(long, res.seed)
    res.mcar_waves = mcar_waves(stage, long, randomised, waves, res.seed)
    res.employment = employment_table(long)
    res.change = descriptive_change(long, res.later)
    return res


def survey_long(stage: StageData, waves: list[str]) -> pd.DataFrame:
    """Survey answers of analysed participants at the report's waves, with arm, office,
    project and randomisation; ``wave`` an ordered categorical in the params' order."""
    cols = ["participant_id", "arm", "office", "project", "randomised", "enrolled_date"]
    survey = stage.table("survey")
    out = survey[survey["wave"].isin(waves)].merge(stage.analysed[cols], on="participant_id",
                                                   how="inner")
    out["wave"] = pd.Categorical(out["wave"], categories=waves, ordered=True)
    return out


def _randomised(stage: StageData) -> pd.DataFrame:
    a = stage.analysed
    return a[(a["project"] == "klar") & (a["randomised"] == 1)
             & a["arm"].isin([TREATMENT, CONTROL])]


def reliability(long: pd.DataFrame, min_cell: int) -> tuple[pd.DataFrame, dict]:
    """Cronbach's alpha (Feldt CI) and McDonald's omega per scale and wave, items after
    reversal, listwise; and ``scales.<scale>.alpha`` (T0, all arms and projects)."""
    rows, alpha = [], {}
    for scale in SURVEY_SCALES:
        spec = SCALES[scale]
        for wave in long["wave"].cat.categories:
            items = reversed_items(long[long["wave"] == wave], spec)
            row = {"scale": scale, "wave": wave, "n": int(items.notna().all(axis=1).sum()),
                   "alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "omega": np.nan,
                   "missing": None}
            try:
                a = cronbach_alpha(items, list(spec.items)).iloc[0]
                row.update(alpha=a["estimate"], ci_low=a["ci_low"], ci_high=a["ci_high"])
                row["omega"] = mcdonald_omega(items, list(spec.items)).loc[0, "estimate"]
            except EstimationError as exc:
                row["missing"] = (Missing("too_few") if exc.reason == "too_few"
                                  else Missing("failed", {"error": str(exc)}))
            if row["missing"] is None and row["n"] < min_cell:
                row["missing"] = Missing("suppressed", {"min_cell": min_cell})
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
                res: SurveyWaves) -> tuple[pd.DataFrame, bool]:
    """``scales.<scale>.arm_by_wave.<wave>``: the mixed model per scale (REPORT_SPEC.md), with
    the reason for every wave that cannot be reported."""
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, res.waves)
    n_due = due[due["due"]].groupby("wave").size()
    fast = trial["participant_id"].nunique() > FAST_ENGINE_ABOVE
    rows = []
    for scale in SURVEY_SCALES:
        data = trial[trial[scale].notna()]
        counts = data.groupby(["wave", "arm"], observed=True).size()
        status, fit_waves = {}, []
        for wave in res.later:
            n_t, n_c = (int(counts.get((wave, a), 0)) for a in (TREATMENT, CONTROL))
            if len(randomised) == 0:
                status[wave] = Missing("no_randomised")
            elif "T0" not in res.waves:
                status[wave] = Missing("no_baseline")
            elif int(n_due.get(wave, 0)) == 0:
                status[wave] = Missing("not_due", {"wave": wave,
                                                   "date": f"{stage.cutoff:%Y-%m-%d}"})
            elif min(counts.get(("T0", a), 0) for a in (TREATMENT, CONTROL)) == 0:
                empty = [a for a in (TREATMENT, CONTROL) if counts.get(("T0", a), 0) == 0][0]
                status[wave] = Missing("no_scores", {"wave": "T0", "arm": empty})
            elif min(n_t, n_c) == 0:
                status[wave] = Missing("no_scores", {"wave": wave,
                                                     "arm": TREATMENT if n_t == 0 else CONTROL})
            else:
                fit_waves.append(wave)
                status[wave] = (Missing("suppressed", {"min_cell": res.min_cell})
                                if min(n_t, n_c) < res.min_cell else None)
        fitted = pd.DataFrame()
        if fit_waves:
            try:
                fitted = _fit(data[data["wave"].isin(["T0", *fit_waves])], scale, fast)
            except EstimationError as exc:
                for wave in fit_waves:
                    status[wave] = Missing("failed", {"error": str(exc)})
        fitted = fitted.set_index("wave") if len(fitted) else fitted
        for wave in res.later:
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
                res: SurveyWaves) -> tuple[pd.DataFrame, dict]:
    """The arm × wave effects under all-available (the main model), complete-case and
    multiple-imputation analyses (chained equations by arm, Rubin's rules)."""
    rows, info = [], {"m": MI_IMPUTATIONS, "seed": res.seed, "n": 0, "total": 0}
    trial = long[long["participant_id"].isin(randomised["participant_id"])]
    people = randomised.set_index("participant_id")
    due = due_waves(randomised, stage.table("survey"), stage.cutoff, res.waves)
    due = due.pivot(index="participant_id", columns="wave", values="due")
    seeds = np.random.SeedSequence(res.seed).spawn(len(SURVEY_SCALES))
    for scale, seq in zip(SURVEY_SCALES, seeds, strict=True):
        main = res.model[(res.model["scale"] == scale) & res.model["in_model"]]
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
        # multiple imputation, separately by arm, among the participants of the main model
        rng = np.random.default_rng(seq)
        ids = wide.index.to_numpy()
        info["total"] = max(info["total"], len(ids))
        if len(ids) > MI_MAX_PARTICIPANTS:
            ids = np.sort(rng.choice(ids, MI_MAX_PARTICIPANTS, replace=False))
        info["n"] = max(info["n"], len(ids))
        frame = wide.loc[ids].join(people[["arm", "office"]])
        try:
            completed = impute_chained(frame.reset_index(), waves, predictors=["office"],
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
            pooled = rubin_pool(pd.concat(fits), by="wave").set_index("wave")
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
                "n_patterns": np.nan, "missing": Missing("failed", {"error": str(exc)})}
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


# ------------------------------------------------------------------------------ results.json

def _estimate(row) -> dict:
    return {k: float(row[k]) for k in ("estimate", "ci_low", "ci_high", "p_value")}


def record(ch, res: SurveyWaves) -> None:
    """Record ``scales.<scale>.alpha`` and ``scales.<scale>.arm_by_wave.<wave>`` (and the extra
    keys ``reliability``, ``sensitivity``, ``mcar_items``) in the chapter's results fragment."""
    for scale in SURVEY_SCALES:
        if res.absent:
            ch.result(f"scales.{scale}.alpha", None, res.absent.reason())
            for wave in res.later:
                ch.result(f"scales.{scale}.arm_by_wave.{wave}", None, res.absent.reason())
            continue
        a = res.alpha[scale]
        if isinstance(a, Missing):
            ch.result(f"scales.{scale}.alpha", None, a.reason())
        else:
            ch.result(f"scales.{scale}.alpha", a)
        for _, r in res.model[res.model["scale"] == scale].iterrows():
            path = f"scales.{scale}.arm_by_wave.{r['wave']}"
            if r["missing"] is not None:
                ch.result(path, None, r["missing"].reason())
            else:
                ch.result(path, _estimate(r))
        for _, r in res.reliability[res.reliability["scale"] == scale].iterrows():
            path = f"scales.{scale}.reliability.{r['wave']}"
            if r["missing"] is not None:
                ch.result(path, None, r["missing"].reason())
            else:
                ch.result(path, {"alpha": r["alpha"], "ci_low": r["ci_low"],
                                 "ci_high": r["ci_high"], "omega": r["omega"], "n": r["n"]})
        m = res.mcar_items[res.mcar_items["scale"] == scale].iloc[0]
        ch.result(f"scales.{scale}.mcar_items",
                  None if m["missing"] else {k: m[k] for k in ("statistic", "df", "p_value", "n")},
                  m["missing"].reason() if m["missing"] else None)
        for method, name in (("cc", "complete_case"), ("mi", "multiple_imputation")):
            for wave in res.later:
                s = res.sensitivity[(res.sensitivity["scale"] == scale)
                                    & (res.sensitivity["wave"] == wave)
                                    & (res.sensitivity["method"] == method)]
                main = res.model[(res.model["scale"] == scale) & (res.model["wave"] == wave)]
                path = f"scales.{scale}.sensitivity.{name}.{wave}"
                if len(s):
                    ch.result(path, _estimate(s.iloc[0]))
                elif len(main) and main.iloc[0]["missing"] is not None:
                    ch.result(path, None, main.iloc[0]["missing"].reason())
                else:
                    error = f"too few data for the {name.replace('_', '-')} analysis"
                    ch.result(path, None, Missing("failed", {"error": error}).reason())


# ------------------------------------------------------------------------------ display

def _scale_label(scale: str, lang: str) -> str:
    return SCALES[scale].label(lang)


def _project_label(project: str, lang: str) -> str:
    return OFFICES.var("project").code_label(project, lang)


def _fmt_p(p, lang: str) -> str:
    """A p value for reading: three decimals, '< 0.001' below that ('–' when missing)."""
    if p is None or pd.isna(p):
        return "–"
    return f"< {fmt_num(0.001, 3, lang)}" if p < 0.001 else fmt_num(p, 3, lang)


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {text.t('sw_and', lang)} " + parts[-1]


def show_intro(ch, res: SurveyWaves) -> None:
    """The chapter's opening paragraph (or the notice that the survey is missing)."""
    if res.absent:
        ch.notice(ch.t("sw_no_survey"))
        return
    ch.text("sw_intro", n_t=fmt_int(res.n_randomised.get(TREATMENT, 0), ch.language),
            n_c=fmt_int(res.n_randomised.get(CONTROL, 0), ch.language))


def show_reliability(ch, res: SurveyWaves) -> None:
    """Alpha and omega per scale and wave, and the item distributions at T0."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_rel")
    parts = []
    rel = res.reliability.set_index(["scale", "wave"])
    for scale in SURVEY_SCALES:
        a = res.alpha[scale]
        label = _scale_label(scale, lang).lower()
        if isinstance(a, Missing):
            parts.append(ch.t("sw_rel_item_none", scale=label, reason=a.show(lang)))
        else:
            r = rel.loc[(scale, "T0")]
            parts.append(ch.t("sw_rel_item", value=fmt_num(a, 2, lang),
                              low=fmt_num(r["ci_low"], 2, lang),
                              high=fmt_num(r["ci_high"], 2, lang), scale=label))
    ch.text("sw_rel_text", alphas=_join(parts, lang))
    tab = res.reliability.copy()
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    tab["wave"] = tab["wave"].astype(str)
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n", ch.t("sw_h_n"), "count"),
                   Column("alpha", ch.t("sw_h_alpha"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2),
                   Column("omega", ch.t("sw_h_omega"), "num", base="n", decimals=2)],
             ch.t("sw_rel_caption"), ch.t("source_survey"), note=ch.t("sw_rel_note"))
    if res.items["n"].max() >= ch.min_cell:
        ch.figure(_items_figure(res.items, lang, ch.min_cell), ch.t("sw_items_caption"),
                  ch.t("source_survey"), note=ch.t("sw_items_note", min_cell=ch.min_cell))


def _items_figure(items: pd.DataFrame, lang: str, min_cell: int):
    import matplotlib.pyplot as plt

    n_items = [items.loc[items["scale"] == s, "item"].nunique() for s in SURVEY_SCALES]
    fig, axes = plt.subplots(len(SURVEY_SCALES), 1, figsize=(7.5, 0.32 * sum(n_items) + 2.2),
                             gridspec_kw={"height_ratios": n_items}, sharex=True)
    colours = plt.get_cmap("cividis")
    for ax, scale in zip(np.atleast_1d(axes), SURVEY_SCALES, strict=True):
        spec = SCALES[scale]
        sub = items[items["scale"] == scale]
        labels = []
        values = list(range(spec.low, spec.high + 1))
        for i, item in enumerate(spec.items):
            d = sub[sub["item"] == item].set_index("value")
            mark = f" {text.t('sw_reversed_mark', lang)}" if item in spec.reversed_items else ""
            labels.append(f"{spec.label(lang)} {item.rsplit('_', 1)[1]}{mark}")
            if d["n"].iloc[0] < min_cell:
                continue
            left = 0.0
            for v in values:
                share = float(d.loc[v, "share"]) * 100
                colour = colours(0.1 + 0.85 * (v - spec.low) / max(spec.high - spec.low, 1))
                ax.barh(i, share, left=left, color=colour, edgecolor="white", height=0.8,
                        label=str(v) if i == 0 else None)
                left += share
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    np.atleast_1d(axes)[-1].set_xlabel(f"{text.t('sw_share', lang)} (%)")
    fig.tight_layout()
    return fig


def _trajectory_figure(means: pd.DataFrame, groups: list[tuple], waves: list[str], lang: str,
                       min_cell: int):
    """One panel per scale: mean ± CI by wave, one line per group.

    ``groups``: (project, arm, label, colour, linestyle, marker). Points with fewer than
    ``min_cell`` answers are not drawn."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(SURVEY_SCALES), figsize=(7.5, 3.4))
    x = np.arange(len(waves))
    for ax, scale in zip(axes, SURVEY_SCALES, strict=True):
        spec = SCALES[scale]
        for k, (project, arm, label, colour, style, marker) in enumerate(groups):
            d = means[(means["scale"] == scale) & (means["project"] == project)
                      & (means["arm"] == arm)].set_index("wave").reindex(waves)
            ok = (d["n"] >= min_cell).to_numpy()
            mean = np.where(ok, d["mean"], np.nan)
            low = np.where(ok, d["mean"] - d["ci_low"], np.nan)
            high = np.where(ok, d["ci_high"] - d["mean"], np.nan)
            shift = (k - (len(groups) - 1) / 2) * 0.08
            ax.errorbar(x + shift, mean, yerr=[low, high], color=colour, linestyle=style,
                        marker=marker, capsize=3, linewidth=1.6, markersize=5, label=label)
        ax.set_xticks(x, waves)
        ax.set_title(spec.label(lang), fontsize=10)
        ax.set_xlim(-0.4, len(waves) - 0.6)
    axes[0].set_ylabel(text.t("sw_h_mean", lang))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(groups), bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def _means_columns(ch) -> list[Column]:
    return [Column("project", ch.t("sw_h_project")), Column("arm", ch.t("h_arm")),
            Column("wave", ch.t("h_wave")), Column("n", ch.t("sw_h_n"), "count"),
            Column("mean", ch.t("sw_h_mean"), "num", base="n", decimals=2),
            Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
            Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)]


def _ordered_means(means: pd.DataFrame, scale: str, waves: list[str]) -> pd.DataFrame:
    m = means[means["scale"] == scale].copy()
    m["_p"] = m["project"].map({p: i for i, p in enumerate(PROJECTS)})
    m["_a"] = m["arm"].map({a: i for i, a in enumerate(ARMS)})
    m["_w"] = m["wave"].map({w: i for i, w in enumerate(waves)})
    return m.sort_values(["_p", "_a", "_w"])


def show_means(ch, res: SurveyWaves) -> None:
    """Trajectories figure (KLAR arms) and the means tables per scale (all projects)."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_means")
    ch.text("sw_means_text")
    from ...plots import ARM_COLOURS, ARM_LINESTYLE, ARM_MARKER

    klar = res.means[res.means["project"] == "klar"]
    arms = [a for a in ARMS if a in set(klar["arm"])]
    if arms:
        groups = [("klar", a, arm_name(a, lang), ARM_COLOURS[a], ARM_LINESTYLE[a], ARM_MARKER[a])
                  for a in arms]
        ch.figure(_trajectory_figure(res.means, groups, res.waves, lang, ch.min_cell),
                  ch.t("sw_traj_caption"), ch.t("source_survey"),
                  note=ch.t("sw_traj_note", min_cell=ch.min_cell))
    for scale in SURVEY_SCALES:
        m = _ordered_means(res.means, scale, res.waves)
        m["project"] = m["project"].map(lambda p: _project_label(p, lang))
        m["arm"] = m["arm"].map(lambda a: arm_name(a, lang))
        ch.table(m, _means_columns(ch), ch.t("sw_means_caption", scale=_scale_label(scale, lang)),
                 ch.t("source_survey"))


def show_model(ch, res: SurveyWaves) -> None:
    """The KLAR trial's arm × wave effects: method, one sentence per estimate, the table."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_model")
    ch.text("sw_model_method")
    for scale in SURVEY_SCALES:
        rows = res.model[res.model["scale"] == scale]
        if rows.empty:
            continue
        parts, sides = [], set()
        for _, r in rows.iterrows():
            if r["missing"] is not None:
                parts.append(ch.t("sw_model_part_missing", wave=r["wave"],
                                  reason=r["missing"].show(lang)))
                continue
            parts.append(ch.t("sw_model_part", wave=r["wave"], est=fmt_num(r["estimate"], 2, lang),
                              low=fmt_num(r["ci_low"], 2, lang),
                              high=fmt_num(r["ci_high"], 2, lang)))
            sides.add("up" if r["ci_low"] > 0 else "down" if r["ci_high"] < 0 else "null")
        verdict = (ch.t(f"sw_verdict_{sides.pop()}") if len(sides) == 1
                   else ch.t("sw_verdict_mixed") if sides else "")
        ch.text("sw_model_result", scale=_scale_label(scale, lang), parts=_join(parts, lang),
                verdict=verdict)
    ch.text("sw_model_limits")
    tab = res.model.copy()
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    # an estimate rests on the smaller arm: '*' below min_cell (suppressed), '–' if not computed
    tab["base"] = tab[["n_treatment", "n_control"]].min(axis=1)
    note = ch.t("sw_model_note")
    if res.fast_engine:
        note += " " + ch.t("sw_engine_note", n=fmt_int(FAST_ENGINE_ABOVE, lang))
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n_treatment", ch.t("sw_h_n_t"), "count"),
                   Column("n_control", ch.t("sw_h_n_c"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="base", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="base", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="base", decimals=2)],
             ch.t("sw_model_caption"), ch.t("source_survey"), note=note)


def _mcar_columns(ch, unit: str = "sw_h_n") -> list[Column]:
    return [Column("scale", ch.t("sw_h_scale")), Column("n", ch.t(unit), "count"),
            Column("n_patterns", ch.t("sw_h_patterns"), "num", base="n", decimals=0),
            Column("statistic", ch.t("sw_h_chi2"), "num", base="n", decimals=1),
            Column("df", ch.t("sw_h_df"), "num", base="n", decimals=0),
            Column("p_text", ch.t("sw_h_p"))]


def _mcar_display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out["scale"] = out["scale"].map(lambda s: _scale_label(s, lang))
    out["p_text"] = out["p_value"].map(lambda p: _fmt_p(p, lang))
    return out


def _mcar_note(ch, table: pd.DataFrame) -> str | None:
    sampled = table[table["n"] < table["total"]]
    if sampled.empty:
        return None
    return ch.t("sw_mcar_subsample", n=fmt_int(sampled["n"].max(), ch.language),
                total=fmt_int(sampled["total"].max(), ch.language))


def show_mcar_items(ch, table: pd.DataFrame, section: bool = True) -> None:
    """Little's test on the items (used by this chapter and by data_quality.show_mcar)."""
    if section:
        ch.section("sw_mcar_section")
    ok = table[table["p_value"].notna()]
    if len(ok):
        worst = ok.sort_values("p_value").iloc[0]
        ch.text("sw_mcar_dq_text", p=_fmt_p(worst["p_value"], ch.language),
                scale=_scale_label(worst["scale"], ch.language).lower())
    ch.table(_mcar_display(table, ch.language), _mcar_columns(ch), ch.t("sw_mcar_items_caption"),
             ch.t("source_survey"), note=_mcar_note(ch, table))


def show_missing(ch, res: SurveyWaves) -> None:
    """Little's tests and the sensitivity table (all available vs complete cases vs MI)."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_missing")
    ch.text("sw_mcar_text")
    ch.table(_mcar_display(res.mcar_items, lang), _mcar_columns(ch),
             ch.t("sw_mcar_items_caption"), ch.t("source_survey"),
             note=_mcar_note(ch, res.mcar_items))
    tested = res.mcar_waves[res.mcar_waves["p_value"].notna()]
    if len(tested):
        worst = tested.sort_values("p_value").iloc[0]
        ch.text("sw_mcar_waves_result", p=_fmt_p(worst["p_value"], lang),
                scale=_scale_label(worst["scale"], lang).lower(),
                verdict=ch.t("sw_mcar_pattern" if worst["p_value"] < 0.05
                             else "sw_mcar_no_pattern"))
    ch.table(_mcar_display(res.mcar_waves, lang), _mcar_columns(ch, "sw_h_participants"),
             ch.t("sw_mcar_waves_caption"), ch.t("source_survey"),
             note=_mcar_note(ch, res.mcar_waves))
    s = res.sensitivity
    if s.empty:
        ch.text("sw_sens_none")
        return
    main = s[s["method"] == "all"].set_index(["scale", "wave"])["estimate"]
    other = s[s["method"] != "all"].join(main.rename("main"), on=["scale", "wave"])
    diff = float((other["estimate"] - other["main"]).abs().max()) if len(other) else 0.0
    outside = int(((other["main"] < other["ci_low"]) | (other["main"] > other["ci_high"])).sum())
    ch.text("sw_sens_text", diff=fmt_num(diff, 2, lang))
    if outside:
        ch.text("sw_sens_differ", n=fmt_int(outside, lang), total=fmt_int(len(other), lang))
    else:
        ch.text("sw_sens_agree")
    tab = s.copy()
    order = {"all": 0, "cc": 1, "mi": 2}
    tab["_s"] = tab["scale"].map({sc: i for i, sc in enumerate(SURVEY_SCALES)})
    tab = tab.assign(_m=tab["method"].map(order)).sort_values(["_s", "wave", "_m"])
    tab["scale"] = tab["scale"].map(lambda sc: _scale_label(sc, lang))
    tab["method"] = tab["method"].map(lambda m: ch.t(f"sw_method_{m}"))
    note = ch.t("sw_mi_note", m=res.mi["m"], seed=res.mi["seed"])
    if res.mi["n"] < res.mi["total"]:
        note += " " + ch.t("sw_mi_subsample", n=fmt_int(res.mi["n"], lang),
                           total=fmt_int(res.mi["total"], lang))
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("method", ch.t("sw_h_method")),
                   Column("n", ch.t("sw_h_participants"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("sw_sens_caption"), ch.t("source_survey"), note=note)


def show_employment(ch, res: SurveyWaves) -> None:
    """Self-reported employment by wave and arm, one table per project (counts and shares)."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_emp")
    ch.text("sw_emp_text")
    emp = res.employment
    codes = list(EMPLOYMENT_CODES)
    from ...codebook import SURVEY

    status_var = SURVEY.var("employment")
    for project in [p for p in PROJECTS if p in set(emp["project"])]:
        sub = emp[emp["project"] == project]
        arms = [a for a in ARMS if a in set(sub["arm"])]
        rows = []
        for wave in res.waves:
            w = sub[sub["wave"] == wave]
            if w.empty:
                continue
            base = w.drop_duplicates("arm").set_index("arm")["base"]
            row = {"wave": wave, "status": ch.t("sw_emp_valid")}
            for a in arms:
                row[f"n_{a}"], row[f"p_{a}"] = int(base.get(a, 0)), np.nan
            rows.append(row)
            for code in codes:
                row = {"wave": wave, "status": status_var.code_label(code, lang)}
                for a in arms:
                    hit = w[(w["arm"] == a) & (w["employment"] == code)]
                    row[f"n_{a}"] = int(hit["n"].sum())
                    row[f"p_{a}"] = float(hit["share"].sum()) if int(base.get(a, 0)) else np.nan
                rows.append(row)
        cols = [Column("wave", ch.t("h_wave")), Column("status", ch.t("sw_h_status"))]
        for a in arms:
            cols += [Column(f"n_{a}", f"{arm_name(a, lang)} (n)", "count"),
                     Column(f"p_{a}", f"{arm_name(a, lang)} (%)", "pct", base=f"n_{a}")]
        ch.table(pd.DataFrame(rows), cols,
                 ch.t("sw_emp_caption", project=_project_label(project, lang)),
                 ch.t("source_survey"))


def show_other_projects(ch, res: SurveyWaves) -> None:
    """Ung@jobb and Sør-Trøndelag: means by wave (figure) and within-person change (table),
    clearly labelled descriptive."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_other")
    present = [p for p in OTHER_PROJECTS if p in set(res.means["project"])]
    if not present:
        ch.text("sw_other_none")
        return
    ch.text("sw_other_text")
    from ...plots import ARM_COLOURS, ARM_LINESTYLE, ARM_MARKER

    looks = {"ungjobb": ("treatment", "treatment"), "sortrondelag": ("all", "all")}
    groups = [(p, "treatment", _project_label(p, lang), ARM_COLOURS[looks[p][0]],
               ARM_LINESTYLE[looks[p][1]], ARM_MARKER[looks[p][1]]) for p in present]
    ch.figure(_trajectory_figure(res.means, groups, res.waves, lang, ch.min_cell),
              ch.t("sw_other_fig_caption"), ch.t("source_survey"),
              note=ch.t("sw_traj_note", min_cell=ch.min_cell))
    tab = res.change[res.change["project"].isin(present)].copy()
    tab["project"] = tab["project"].map(lambda p: _project_label(p, lang))
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    ch.table(tab, [Column("project", ch.t("sw_h_project")), Column("scale", ch.t("sw_h_scale")),
                   Column("wave", ch.t("sw_h_wave_from")),
                   Column("n", ch.t("sw_h_pairs"), "count"),
                   Column("mean_first", "T0", "num", base="n", decimals=2),
                   Column("mean_second", ch.t("sw_h_mean"), "num", base="n", decimals=2),
                   Column("estimate", ch.t("sw_h_change"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("sw_change_caption"), ch.t("source_survey"))
