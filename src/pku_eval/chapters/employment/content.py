"""Chapter 'employment': register outcomes of the KLAR randomised trial – did SE work?

Who is counted (REPORT_SPEC.md): KLAR participants (offices of project ``klar``, trial and
reference), withdrawn excluded, with an outcomes row. A participant without an outcomes row is
missing, never "not employed". A first job counts when ``first_job_date`` ≤ follow-up end (the
earlier of ``followup_date`` and the cut-off); time to work is censored at the follow-up end.

- :func:`compute` (pure) returns an :class:`Employment` with every number the chapter shows and
  every results.json value (``results``: key path → (value, reason)).
- :func:`record` writes the results.json values; ``show_*`` publish one section each.

The randomised comparison (treatment = the SE arm against internal_control, intention to treat)
is the trial's result; comparisons with the external control group are observational and are
labelled so.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ... import plots, text
from ...chapter import Chapter
from ...codebook import ARMS, OUTCOMES, office_label
from ...publish import MARK, Column, publish_count
from ...stats import cox, proportions, survival
from ...stats.errors import EstimationError
from ...text import arm_name, fmt_date, fmt_int, fmt_num, fmt_pct

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

TREATMENT, CONTROL, EXTERNAL = "treatment", "internal_control", "external_control"
#: Baseline covariates of the adjusted models (office is added in the randomised comparison).
COVARIATES = ("age", "gender", "main_benefit", "education", "immigrant")
CATEGORICAL = ("gender", "main_benefit", "education")
#: Levels of a categorical covariate with fewer people than this are pooled in the models.
RARE_LEVEL = 10
DAYS_PER_MONTH = 30.4375
AT_RISK_STEP_MONTHS = 6
KM_REPORT_MONTHS = (12, 24)
STATUSES = tuple(OUTCOMES.var("status").codes)
ESTIMATE_KEYS = ("estimate", "ci_low", "ci_high", "p_value")

# Reasons for a null in results.json (English, machine-readable; the report shows texts).
R_NO_FILE = "no outcomes file (register data) in the data directory"
R_SUPPRESSED = "suppressed"
R_UNDEFINED = "not defined for these data (a group with no first jobs, or only first jobs)"
R_NO_EVENTS = "no first jobs in the compared groups: no time-to-work model can be fitted"
R_NOT_FITTED = "model could not be fitted"
#: Time transform of the test of proportional hazards (R cox.zph's default, as in the tests of
#: stats.proportional_hazards_test).
PH_TRANSFORM = "km"

# ------------------------------------------------------------------------------ computation

@dataclass
class Employment:
    """Everything the employment chapter shows.

    ``results`` maps each results.json key path to ``(value, reason)``; ``reason`` is set when
    the value is ``None`` (or an estimate object holds a ``None``).
    """

    available: bool
    cutoff: pd.Timestamp
    min_cell: int
    results: dict = field(default_factory=dict)
    frame: pd.DataFrame | None = None        # KLAR analysed participants, one row each
    counts: pd.DataFrame | None = None       # per arm: analysed, missing, with_outcome, share, CI
    effects: pd.DataFrame | None = None      # randomised comparison, one row per measure
    hazard: dict | None = None               # Cox result (estimate, ci, p, ph_test_p)
    logrank_p: float | None = None
    by_office: pd.DataFrame | None = None
    km: pd.DataFrame | None = None
    at_risk: pd.DataFrame | None = None      # arm × month: number at risk
    km_at: dict = field(default_factory=dict)  # months -> {arm: cumulative share or None}
    external: pd.DataFrame | None = None
    status: pd.DataFrame | None = None
    status_unused: int = 0                   # outcomes rows whose status is after the cut-off
    followup_months: tuple | None = None     # (median, min, max) months followed
    interim: bool = False                    # some register extract is dated after the cut-off

    def value(self, path: str):
        return self.results[path][0]

    def reason(self, path: str):
        return self.results[path][1]


def compute(stage, params: dict) -> Employment:
    """All numbers of the chapter for one report stage (:class:`pku_eval.tidy.StageData`)."""
    min_cell = int(params.get("min_cell", 5))
    res = Employment(available=stage.has("outcomes"), cutoff=stage.cutoff, min_cell=min_cell)
    if not res.available:
        _all_null(res, R_NO_FILE)
        return res
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # model warnings are reported through the results
        frame = analysis_frame(stage)
        res.frame = frame
        outcomes = stage.table("outcomes")
        res.interim = bool((outcomes["followup_date"] > stage.cutoff).any())
        _rates(res, frame)
        with_row = frame[frame["has_outcome"]]
        if len(with_row):
            months = with_row["followup_days"] / DAYS_PER_MONTH
            res.followup_months = (float(months.median()), float(months.min()),
                                   float(months.max()))
        randomised = with_row[(with_row["randomised"] == 1)
                              & with_row["arm"].isin([TREATMENT, CONTROL])]
        _randomised_effects(res, randomised)
        _by_office(res, randomised, stage)
        _time_to_work(res, randomised, with_row)
        _external(res, with_row)
        _status(res, with_row)
    return res


def analysis_frame(stage) -> pd.DataFrame:
    """KLAR participants (trial and reference offices), withdrawn excluded, one row each, with
    their outcomes: ``has_outcome``, ``employed`` (1/0; NaN without an outcomes row), ``event``
    (= employed), ``days`` (enrolment to first job, or to the follow-up end when censored;
    NaN without an outcomes row), ``followup_days`` (enrolment to follow-up end), ``status``,
    ``age`` (at enrolment) and the office's ``county``."""
    part = stage.analysed
    part = part[part["project"] == "klar"].copy()
    out = stage.table("outcomes")[["participant_id", "followup_end", "first_job_date",
                                   "employed", "status"]].rename(
        columns={"followup_end": "fu_end"})
    part = part.drop(columns=["followup_end"]).merge(out, on="participant_id", how="left")
    part["has_outcome"] = part["fu_end"].notna()
    employed = part["employed"].astype("boolean").fillna(False).astype(bool)
    part["employed"] = np.where(part["has_outcome"], employed.astype(float), np.nan)
    part["event"] = part["employed"]
    end = part["first_job_date"].where(employed, part["fu_end"])
    part["days"] = ((end - part["enrolled_date"]).dt.days.astype(float)).clip(lower=0)
    part["followup_days"] = ((part["fu_end"] - part["enrolled_date"]).dt.days
                             .astype(float)).clip(lower=0)
    part["age"] = part["enrolled_date"].dt.year - part["birth_year"]
    county = stage.offices.set_index("office")["county"]
    part["county"] = part["office"].map(county)
    return part.reset_index(drop=True)


def _all_null(res: Employment, reason: str) -> None:
    for arm in ARMS:
        for key in ("rate", "rate_ci", "missing_outcome"):
            res.results[f"employment.{key}.{arm}"] = (None, reason)
    for key in ("employment.risk_difference", "employment.risk_ratio", "employment.odds_ratio",
                "employment.odds_ratio_adjusted", "time_to_work.hazard_ratio",
                "time_to_work.hazard_ratio_p_value", "time_to_work.ph_test_p",
                "time_to_work.logrank_p", "employment.external.odds_ratio_adjusted",
                "employment.external.control_check_odds_ratio_adjusted",
                "time_to_work.external.hazard_ratio_adjusted",
                "time_to_work.external.control_check_hazard_ratio_adjusted"):
        res.results[key] = (None, reason)


def _rates(res: Employment, frame: pd.DataFrame) -> None:
    rows = []
    for arm in ARMS:
        g = frame[frame["arm"] == arm]
        with_row = g[g["has_outcome"]]
        n, k = len(with_row), int(with_row["employed"].sum())
        share = k / n if n else np.nan
        low, high = proportions.wilson_interval(k, n) if n else (np.nan, np.nan)
        rows.append({"arm": arm, "analysed": len(g), "missing": len(g) - n, "with_outcome": n,
                     "employed": k, "share": share, "ci_low": low, "ci_high": high})
        if n == 0:
            value = (None, f"no KLAR {arm} participants with register data")
        elif n < res.min_cell:
            value = (None, R_SUPPRESSED)
        else:
            value = (share, None)
        res.results[f"employment.rate.{arm}"] = value
        res.results[f"employment.rate_ci.{arm}"] = (
            ({"estimate": share, "ci_low": low, "ci_high": high}, None) if value[0] is not None
            else (None, value[1]))
        res.results[f"employment.missing_outcome.{arm}"] = _count_result(len(g) - n,
                                                                         res.min_cell)
    res.counts = pd.DataFrame(rows)


def _count_result(count: int, min_cell: int) -> tuple:
    shown = publish_count(int(count), min_cell)
    return (shown, None) if shown is not None else (None, R_SUPPRESSED)


def _group_guard(data: pd.DataFrame, group: str, levels: tuple, min_cell: int) -> str | None:
    """Reason why two groups cannot be compared (None when they can)."""
    sizes = [int((data[group] == level).sum()) for level in levels]
    if min(sizes) == 0:
        empty = [lvl for lvl, s in zip(levels, sizes) if s == 0]
        return f"no {', '.join(empty)} participants with register data"
    if min(sizes) < min_cell:
        return R_SUPPRESSED
    return None


def _estimate(row: pd.Series, keys=ESTIMATE_KEYS) -> tuple[dict, str | None]:
    """An estimate object of plain floats (None for NaN) and the reason when one is None."""
    out = {}
    for key in keys:
        v = row.get(key, np.nan)
        out[key] = None if v is None or not np.isfinite(v) else float(v)
    return out, (R_UNDEFINED if None in out.values() else None)


def _fit(function, *args, **kwargs) -> tuple[pd.Series | None, str | None]:
    """Run a stats function; an estimate the data cannot give (stats.EstimationError) becomes
    a reason instead of a crash. Any other exception is a bug and propagates."""
    try:
        out = function(*args, **kwargs).iloc[0]
    except EstimationError as exc:
        if exc.reason == "no_events":
            return None, R_NO_EVENTS
        return None, f"{R_NOT_FITTED}: {str(exc).splitlines()[0]}"
    if "converged" in out and not bool(out["converged"]):
        return None, f"{R_NOT_FITTED}: the model did not converge"
    return out, None


def _pool_rare(frame: pd.DataFrame, columns, min_count: int = RARE_LEVEL) -> pd.DataFrame:
    """Merge sparse levels of categorical columns into the column's most common level.

    A level is sparse when fewer than ``min_count`` people have it, or when all or none of
    them found a job (the model could not estimate it: separation). Done on the data of each
    model, so that the adjusted models can be fitted on small data too.
    """
    out = frame.copy()
    for col in columns:
        by = out.groupby(col)["employed"].agg(["size", "sum"])
        sparse = (by["size"] < min_count) | (by["sum"] == 0) | (by["sum"] == by["size"])
        if not sparse.any():
            continue
        keep = by[~sparse]
        target = keep["size"].idxmax() if len(keep) else by["size"].idxmax()
        out[col] = out[col].where(~out[col].isin(by.index[sparse]), target)
    return out


def _randomised_effects(res: Employment, rand: pd.DataFrame) -> None:
    """Risk difference (the results.json key), risk ratio, odds ratio, adjusted odds ratio."""
    guard = _group_guard(rand, "arm", (TREATMENT, CONTROL), res.min_cell)
    measures = {
        "rd": ("employment.risk_difference", proportions.risk_difference, {}),
        "rr": ("employment.risk_ratio", proportions.risk_ratio, {}),
        "or": ("employment.odds_ratio", proportions.odds_ratio, {}),
        "aor": ("employment.odds_ratio_adjusted", proportions.adjusted_odds_ratio,
                {"covariates": ["office", *COVARIATES]}),
    }
    rows = []
    data = _pool_rare(rand, ["office", *CATEGORICAL]) if guard is None else rand
    for measure, (path, function, extra) in measures.items():
        if guard is not None:
            res.results[path] = (None, guard)
            rows.append({"measure": measure, "reason": guard})
            continue
        out, reason = _fit(function, data, "employed", "arm", TREATMENT, CONTROL, **extra)
        if out is None:
            res.results[path] = (None, reason)
            rows.append({"measure": measure, "reason": reason})
            continue
        est, reason = _estimate(out)
        res.results[path] = (est, reason)
        rows.append({"measure": measure, **est, "reason": reason,
                     **{k: out[k] for k in ("n_treatment", "n_control", "p_treatment",
                                            "p_control") if k in out}})
    res.effects = pd.DataFrame(rows).set_index("measure")


def _by_office(res: Employment, rand: pd.DataFrame, stage) -> None:
    """Shares and risk difference per trial office (small numbers: suppressed below min_cell)."""
    offices = stage.offices
    trial = offices.loc[(offices["project"] == "klar") & (offices["role"] == "trial"), "office"]
    rows = []
    for office in trial:
        g = rand[rand["office"] == office]
        row = {"office": office}
        for arm, tag in ((TREATMENT, "t"), (CONTROL, "c")):
            a = g.loc[g["arm"] == arm, "employed"]
            row[f"n_{tag}"] = len(a)
            row[f"share_{tag}"] = a.mean() if len(a) else np.nan
        guard = _group_guard(g, "arm", (TREATMENT, CONTROL), res.min_cell)
        path = f"employment.by_office.{office}"
        if guard is None:
            out, reason = _fit(proportions.risk_difference, g, "employed", "arm", TREATMENT,
                               CONTROL)
            est, reason = _estimate(out) if out is not None else (None, reason)
        else:
            est, reason = None, guard
        res.results[path] = (est, reason)
        row.update({k: (est or {}).get(k, np.nan) for k in ESTIMATE_KEYS})
        row["base"] = min(row["n_t"], row["n_c"])
        rows.append(row)
    res.by_office = pd.DataFrame(rows)


def _time_to_work(res: Employment, rand: pd.DataFrame, with_row: pd.DataFrame) -> None:
    """Cox hazard ratio (stratified by office), log-rank, Kaplan-Meier by arm and at-risk."""
    guard = _group_guard(rand, "arm", (TREATMENT, CONTROL), res.min_cell)
    keys = ("time_to_work.hazard_ratio", "time_to_work.hazard_ratio_p_value",
            "time_to_work.ph_test_p", "time_to_work.logrank_p")
    if guard is None and rand["event"].sum() == 0:
        guard = R_NO_EVENTS
    if guard is not None:
        for key in keys:
            res.results[key] = (None, guard)
    else:
        out, reason = _fit(cox.cox_hazard_ratio, rand, "days", "event", "arm", TREATMENT,
                           CONTROL, strata="office", ties="efron", ph_transform=PH_TRANSFORM)
        if out is None:
            for key in keys[:3]:
                res.results[key] = (None, reason)
        else:
            est, reason = _estimate(out, ("estimate", "ci_low", "ci_high"))
            res.results[keys[0]] = (est, reason)
            res.hazard = {**est, "p_value": _finite(out["p_value"]),
                          "ph_test_p": _finite(out["ph_test_p"])}
            for key, name in ((keys[1], "p_value"), (keys[2], "ph_test_p")):
                v = res.hazard[name]
                res.results[key] = (v, None if v is not None else R_UNDEFINED)
        lr, reason = _fit(survival.logrank, rand, "days", "event", "arm")
        res.logrank_p = _finite(lr["p_value"]) if lr is not None else None
        res.results[keys[3]] = (res.logrank_p, reason if lr is None else
                                (None if res.logrank_p is not None else R_UNDEFINED))
    _kaplan_meier(res, with_row)


def _kaplan_meier(res: Employment, with_row: pd.DataFrame) -> None:
    data = with_row.assign(months=with_row["days"] / DAYS_PER_MONTH)
    arms = [arm for arm in ARMS if (data["arm"] == arm).any()]
    if not arms:
        return
    data = data[data["arm"].isin(arms)]
    res.km = survival.kaplan_meier(data, "months", "event", group="arm")
    top = int(math.ceil(data["months"].max() / AT_RISK_STEP_MONTHS)) * AT_RISK_STEP_MONTHS
    months = np.arange(0, max(top, AT_RISK_STEP_MONTHS) + 1, AT_RISK_STEP_MONTHS)
    res.at_risk = pd.DataFrame(
        {m: [int((data.loc[data["arm"] == arm, "months"] >= m).sum()) for arm in arms]
         for m in months}, index=pd.Index(arms, name="arm"))
    for m in KM_REPORT_MONTHS:
        res.km_at[m] = {arm: _km_share_at(res.km[res.km["group"] == arm], m, res.min_cell)
                        for arm in arms}


def _km_share_at(km: pd.DataFrame, months: float, min_cell: int) -> float | None:
    """Cumulative share with a first job at ``months`` (1 − S), or None when fewer than
    ``min_cell`` are still at risk then (the estimate rests on too few people)."""
    later = km[km["time"] >= months]
    if later.empty or later["at_risk"].iloc[0] < min_cell:
        return None
    before = km[km["time"] <= months]
    return float(1 - before["survival"].iloc[-1]) if len(before) else 0.0


def _external(res: Employment, with_row: pd.DataFrame) -> None:
    """Observational: treatment (and, as a check, internal control) against the external
    control group, adjusted for baseline covariates (logistic; Cox stratified by county)."""
    rows = []
    for label, arm, or_key, hr_key in (
            ("t_vs_e", TREATMENT, "employment.external.odds_ratio_adjusted",
             "time_to_work.external.hazard_ratio_adjusted"),
            ("c_vs_e", CONTROL, "employment.external.control_check_odds_ratio_adjusted",
             "time_to_work.external.control_check_hazard_ratio_adjusted")):
        pair = with_row[with_row["arm"].isin([arm, EXTERNAL])]
        pair = _pool_rare(pair, CATEGORICAL) if len(pair) else pair
        guard = _group_guard(pair, "arm", (arm, EXTERNAL), res.min_cell)
        row = {"comparison": label}
        for kind, key in (("or", or_key), ("hr", hr_key)):
            if guard is not None:
                res.results[key] = (None, guard)
                row[f"{kind}_reason"] = guard
                continue
            if kind == "or":
                out, reason = _fit(proportions.adjusted_odds_ratio, pair, "employed", "arm",
                                   arm, EXTERNAL, covariates=list(COVARIATES))
            elif pair["event"].sum() == 0:
                out, reason = None, R_NO_EVENTS
            else:
                design, names = _dummies(pair, COVARIATES)
                out, reason = _fit(cox.cox_hazard_ratio, design, "days", "event", "arm",
                                   arm, EXTERNAL, strata="county", covariates=names,
                                   ph_transform=PH_TRANSFORM)
            if out is None:
                res.results[key] = (None, reason)
                row[f"{kind}_reason"] = reason
                continue
            est, reason = _estimate(out)
            res.results[key] = (est, reason)
            row.update({f"{kind}_{k}": v for k, v in est.items()})
        rows.append(row)
    res.external = pd.DataFrame(rows).set_index("comparison")


def _dummies(frame: pd.DataFrame, covariates) -> tuple[pd.DataFrame, list[str]]:
    """Numeric design columns for the Cox model: categorical covariates as 0/1 dummies
    (first level dropped), constant columns left out."""
    out = frame.copy()
    names = []
    for col in covariates:
        if col in CATEGORICAL:
            d = pd.get_dummies(out[col].astype(str), prefix=f"_x_{col}", drop_first=True)
            d = d.astype(float)
            out = pd.concat([out, d], axis=1)
            names += list(d.columns)
        else:
            out[f"_x_{col}"] = out[col].astype(float)
            names.append(f"_x_{col}")
    names = [n for n in names if out[n].nunique(dropna=True) > 1]
    return out, names


def _status(res: Employment, with_row: pd.DataFrame) -> None:
    res.status_unused = int(with_row["status"].isna().sum())
    known = with_row[with_row["status"].notna()]
    if known.empty:
        return
    rows = []
    bases = known.groupby("arm").size().reindex(ARMS, fill_value=0)
    counts = known.groupby(["status", "arm"]).size().unstack(fill_value=0).reindex(
        index=list(STATUSES), columns=list(ARMS), fill_value=0)
    for status in STATUSES:
        row = {"status": status}
        for arm in ARMS:
            n = int(counts.loc[status, arm])
            row[f"n_{arm}"] = n
            row[f"share_{arm}"] = n / bases[arm] if bases[arm] else np.nan
            row[f"base_{arm}"] = int(bases[arm])
        rows.append(row)
    res.status = pd.DataFrame(rows)


def _finite(v) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


# ---------------------------------------------------------------------------- results.json

def record(ch: Chapter, computed: Employment) -> None:
    """Record every results.json value of the chapter (nulls with their reason)."""
    for path, (value, reason) in computed.results.items():
        ch.result(path, value, reason)


# ---------------------------------------------------------------------------------- display

def _fmt_p(p, language: str) -> str:
    if p is None or not np.isfinite(p):
        return "–"
    if p < 0.001:
        return "< " + fmt_num(0.001, 3, language)
    return fmt_num(p, 3, language)


def _why(ch: Chapter, reason: str | None) -> str:
    if reason == R_SUPPRESSED:
        return ch.t("job_why_suppressed", min_cell=ch.min_cell)
    if reason == R_NO_EVENTS:
        return ch.t("job_why_no_events")
    if reason == R_UNDEFINED:
        return ch.t("job_why_undefined")
    if reason and reason.startswith("no "):
        return ch.t("job_why_no_data")
    return ch.t("job_why_not_fitted")


def _pct_or_mark(ch: Chapter, value, reason) -> str:
    if value is not None:
        return fmt_pct(value, ch.language)
    if reason == R_SUPPRESSED:
        return ch.t("job_suppressed_word", min_cell=ch.min_cell)
    return "–"


def show_intro(ch: Chapter, computed: Employment) -> None:
    """The chapter's introduction; a notice when there are no register data."""
    lang = ch.language
    end = fmt_date(ch.data.cutoff, lang)
    if computed.available and computed.frame is not None and computed.frame["has_outcome"].any():
        end = fmt_date(computed.frame["fu_end"].max(), lang)
    ch.text("job_intro", end=end)
    if not computed.available:
        ch.notice(ch.t("job_no_outcomes"))
        return
    if computed.frame is None or not computed.frame["has_outcome"].any():
        ch.notice(ch.t("job_no_klar"))
        return
    if computed.interim:
        ch.notice(ch.t("job_interim", cutoff=fmt_date(computed.cutoff, lang)))
    if computed.followup_months:
        med, low, high = computed.followup_months
        ch.text("job_followup_text", median=fmt_num(med, 1, lang), low=fmt_num(low, 1, lang),
                high=fmt_num(high, 1, lang))


def _usable(computed: Employment) -> bool:
    return computed.available and computed.frame is not None and computed.frame[
        "has_outcome"].any()


def show_rates(ch: Chapter, computed: Employment) -> None:
    """Share with a first job per arm (table and figure) and missing register data per arm."""
    if not _usable(computed):
        return
    ch.section("job_rates")
    lang = ch.language
    ch.text("job_rates_text", **{arm: _pct_or_mark(ch, *computed.results[
        f"employment.rate.{arm}"]) for arm in ARMS})
    c = computed.counts
    missing = {arm: (ch.t("job_suppressed_word", min_cell=ch.min_cell) if 0 < m < ch.min_cell
                     else fmt_int(m, lang))
               for arm, m in zip(c["arm"], c["missing"])}
    ch.text("job_missing_text", **missing)
    tab = c.assign(arm=c["arm"].map(lambda a: arm_name(a, lang)))
    ch.table(tab, [Column("arm", ch.t("h_arm")),
                   Column("analysed", ch.t("job_h_analysed"), "count"),
                   Column("missing", ch.t("job_h_missing"), "count"),
                   Column("with_outcome", ch.t("job_h_with"), "count"),
                   Column("share", ch.t("job_h_share"), "pct", base="with_outcome"),
                   Column("ci_low", ch.t("job_h_ci_low_pct"), "pct", base="with_outcome"),
                   Column("ci_high", ch.t("job_h_ci_high_pct"), "pct", base="with_outcome")],
             ch.t("job_rates_caption"), ch.t("job_source"), note=ch.t("job_rates_note"))
    shown = c[c["with_outcome"] >= ch.min_cell]
    note = ch.t("job_fig_small_note", min_cell=ch.min_cell) if len(shown) < len(c) else None
    if len(shown):
        ch.figure(_rates_figure(shown, lang), ch.t("job_rates_fig"), ch.t("job_source"), note=note)


def _rates_figure(counts: pd.DataFrame, language: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.7 * len(counts)))
    y = np.arange(len(counts))
    for i, row in enumerate(counts.itertuples()):
        ax.barh(i, 100 * row.share, color=plots.ARM_COLOURS[row.arm],
                hatch=plots.ARM_HATCH[row.arm], edgecolor="white", height=0.6)
        ax.errorbar(100 * row.share, i, xerr=[[max(0.0, 100 * (row.share - row.ci_low))],
                                              [max(0.0, 100 * (row.ci_high - row.share))]],
                    fmt="none", ecolor="#333333", capsize=4, lw=1)
    ax.set_yticks(y, [arm_name(a, language) for a in counts["arm"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(text.t("job_share_pct", language))
    return fig


def show_effect(ch: Chapter, computed: Employment) -> None:
    """The randomised comparison: risk difference in words, and every effect measure."""
    if not _usable(computed):
        return
    ch.section("job_effect")
    lang = ch.language
    rd, reason = computed.results["employment.risk_difference"]
    if rd is None:
        ch.notice(ch.t("job_not_shown", why=_why(ch, reason)))
        return
    e = computed.effects
    pp = {k: fmt_num(100 * rd[k], 1, lang) for k in ("estimate", "ci_low", "ci_high")}
    ch.text("job_effect_text", p_t=fmt_pct(e.loc["rd", "p_treatment"], lang),
            n_t=fmt_int(e.loc["rd", "n_treatment"], lang),
            p_c=fmt_pct(e.loc["rd", "p_control"], lang),
            n_c=fmt_int(e.loc["rd", "n_control"], lang), rd=pp["estimate"], lo=pp["ci_low"],
            hi=pp["ci_high"], p=_fmt_p(rd["p_value"], lang))
    key = ("job_effect_positive" if rd["ci_low"] > 0 else
           "job_effect_negative" if rd["ci_high"] < 0 else "job_effect_unclear")
    ch.text(key, lo=pp["ci_low"], hi=pp["ci_high"])

    def f2(measure, k):
        v = e.loc[measure].get(k) if measure in e.index else None
        return fmt_num(v, 2, lang) if v is not None and pd.notna(v) else "–"

    ch.text("job_ratio_text", rr=f2("rr", "estimate"), rr_lo=f2("rr", "ci_low"),
            rr_hi=f2("rr", "ci_high"), or_=f2("or", "estimate"), or_lo=f2("or", "ci_low"),
            or_hi=f2("or", "ci_high"))
    aor = computed.results["employment.odds_ratio_adjusted"]
    if aor[0] is not None and aor[0]["ci_low"] is not None:
        ch.text("job_adjusted_text", aor=f2("aor", "estimate"), aor_lo=f2("aor", "ci_low"),
                aor_hi=f2("aor", "ci_high"))
    else:
        ch.text("job_not_shown", why=_why(ch, aor[1]))
    rows = []
    for measure, label in (("rd", "job_m_rd"), ("rr", "job_m_rr"), ("or", "job_m_or"),
                           ("aor", "job_m_aor")):
        r = e.loc[measure]
        scale = 100 if measure == "rd" else 1
        rows.append({"measure": ch.t(label),
                     **{k: scale * r[k] if k != "p_value" and pd.notna(r.get(k)) else r.get(k)
                        for k in ESTIMATE_KEYS}})
    if computed.hazard:
        rows.append({"measure": ch.t("job_m_hr"), **{k: computed.hazard[k]
                                                     for k in ESTIMATE_KEYS}})
    tab = pd.DataFrame(rows)
    tab["p_text"] = tab["p_value"].map(lambda p: _fmt_p(p if pd.notna(p) else None, lang))
    ch.table(tab, [Column("measure", ch.t("job_h_measure")),
                   Column("estimate", ch.t("job_h_estimate"), "num", decimals=2),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", decimals=2),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", decimals=2),
                   Column("p_text", ch.t("job_h_p"))],
             ch.t("job_effect_caption"), ch.t("job_source"),
             note=ch.t("job_effect_note", rare=RARE_LEVEL))


def show_by_office(ch: Chapter, computed: Employment) -> None:
    """Shares and risk difference per trial office, with the small-numbers caveat."""
    if not _usable(computed) or computed.by_office is None or computed.by_office.empty:
        return
    lang = ch.language
    ch.text("job_office_text", min_cell=ch.min_cell)
    tab = computed.by_office.copy()
    tab["office"] = tab["office"].map(lambda o: office_label(o, lang))
    for k in ("estimate", "ci_low", "ci_high"):
        tab[k] = 100 * tab[k]
    tab["p_text"] = [_fmt_p(p if pd.notna(p) else None, lang) if b >= ch.min_cell else MARK
                     for p, b in zip(tab["p_value"], tab["base"])]
    t_name, c_name = arm_name(TREATMENT, lang), arm_name(CONTROL, lang)
    ch.table(tab, [Column("office", ch.t("h_office")),
                   Column("n_t", f"{t_name} (n)", "count"),
                   Column("share_t", f"{t_name} (%)", "pct", base="n_t"),
                   Column("n_c", f"{c_name} (n)", "count"),
                   Column("share_c", f"{c_name} (%)", "pct", base="n_c"),
                   Column("estimate", ch.t("job_h_rd"), "num", base="base"),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", base="base"),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", base="base"),
                   Column("p_text", ch.t("job_h_p"))],
             ch.t("job_office_caption"), ch.t("job_source"), note=ch.t("job_office_note"))


def show_time_to_work(ch: Chapter, computed: Employment) -> None:
    """Hazard ratio, proportional-hazards check, log-rank and the Kaplan-Meier figure."""
    if not _usable(computed):
        return
    ch.section("job_time")
    lang = ch.language
    hr, reason = computed.results["time_to_work.hazard_ratio"]
    if hr is None:
        ch.notice(ch.t("job_not_shown", why=_why(ch, reason)))
    else:
        ch.text("job_hr_text", hr=fmt_num(hr["estimate"], 2, lang),
                lo=fmt_num(hr["ci_low"], 2, lang), hi=fmt_num(hr["ci_high"], 2, lang),
                p=_fmt_p(computed.hazard["p_value"], lang))
        ph = computed.hazard["ph_test_p"]
        if ph is not None:
            ch.text("job_ph_warn" if ph < 0.05 else "job_ph_ok", p=_fmt_p(ph, lang))
    if computed.logrank_p is not None:
        ch.text("job_logrank_text", p=_fmt_p(computed.logrank_p, lang))
    for months, shares in computed.km_at.items():
        if shares.get(TREATMENT) is not None and shares.get(CONTROL) is not None:
            ch.text("job_km_at_text", months=fmt_int(months, lang),
                    treatment=fmt_pct(shares[TREATMENT], lang),
                    internal_control=fmt_pct(shares[CONTROL], lang))
    if computed.km is None:
        return
    sizes = computed.at_risk.iloc[:, 0]
    drawn = [arm for arm in computed.at_risk.index if sizes[arm] >= ch.min_cell]
    if not drawn:
        return
    note = ch.t("job_km_note", min_cell=ch.min_cell)
    if len(drawn) < len(sizes):
        note += " " + ch.t("job_fig_small_note", min_cell=ch.min_cell)
    ch.figure(_km_figure(computed.km, computed.at_risk.loc[drawn], lang, ch.min_cell),
              ch.t("job_km_caption"), ch.t("job_source"), note=note)


def _km_figure(km: pd.DataFrame, at_risk: pd.DataFrame, language: str, min_cell: int):
    """Cumulative share with a first job (1 − Kaplan-Meier) by arm, with the numbers at risk
    below; each curve stops where fewer than ``min_cell`` are at risk."""
    import matplotlib.pyplot as plt

    arms = list(at_risk.index)
    fig, (ax, tab) = plt.subplots(
        2, 1, figsize=(7.5, 4.6 + 0.25 * len(arms)),
        gridspec_kw={"height_ratios": [4, 0.45 * len(arms) + 0.5], "hspace": 0.45})
    months = list(at_risk.columns)
    for arm in arms:
        d = km[(km["group"] == arm) & (km["at_risk"] >= min_cell)]
        x = np.r_[0.0, d["time"].to_numpy(dtype=float)]
        y = 100 * (1 - np.r_[1.0, d["survival"].to_numpy(dtype=float)])
        lo = 100 * (1 - np.r_[1.0, d["ci_high"].to_numpy(dtype=float)])
        hi = 100 * (1 - np.r_[1.0, d["ci_low"].to_numpy(dtype=float)])
        ax.step(x, y, where="post", color=plots.ARM_COLOURS[arm],
                linestyle=plots.ARM_LINESTYLE[arm], lw=1.8, label=arm_name(arm, language))
        ax.fill_between(x, lo, hi, step="post", color=plots.ARM_COLOURS[arm], alpha=0.12,
                        lw=0)
    ax.set_xlim(0, months[-1])
    ax.set_xticks(months)
    ax.set_ylim(0, 100)
    ax.set_xlabel(text.t("job_months", language))
    ax.set_ylabel(text.t("job_cum_share", language))
    ax.legend(loc="upper left")
    tab.set_xlim(ax.get_xlim())
    tab.set_ylim(len(arms) - 0.5, -0.5)
    tab.set_yticks(range(len(arms)), [arm_name(a, language) for a in arms])
    for label, arm in zip(tab.get_yticklabels(), arms):
        label.set_color(plots.ARM_COLOURS[arm])
    tab.set_xticks([])
    tab.grid(False)
    for side in tab.spines.values():
        side.set_visible(False)
    tab.tick_params(left=False, pad=16)
    tab.set_title(text.t("job_at_risk", language), loc="left", fontsize=9)
    for i, arm in enumerate(arms):
        for m in months:
            n = int(at_risk.loc[arm, m])
            shown = MARK if 0 < n < min_cell else fmt_int(n, language)
            tab.text(m, i, shown, ha="center", va="center", fontsize=8.5)
    return fig


def show_external(ch: Chapter, computed: Employment) -> None:
    """The observational comparison with the external control group, clearly labelled."""
    if not _usable(computed) or computed.external is None:
        return
    ch.section("job_external")
    lang = ch.language
    ch.text("job_external_text")
    ex = computed.external

    def f2(comp, k):
        v = ex.loc[comp].get(k) if k in ex.columns else None
        return fmt_num(v, 2, lang) if v is not None and pd.notna(v) else "–"

    t_or = computed.results["employment.external.odds_ratio_adjusted"]
    if t_or[0] is None:
        ch.notice(ch.t("job_not_shown", why=_why(ch, t_or[1])))
        return
    ch.text("job_external_result", or_=f2("t_vs_e", "or_estimate"),
            lo=f2("t_vs_e", "or_ci_low"), hi=f2("t_vs_e", "or_ci_high"),
            hr=f2("t_vs_e", "hr_estimate"), hr_lo=f2("t_vs_e", "hr_ci_low"),
            hr_hi=f2("t_vs_e", "hr_ci_high"))
    c_or = computed.results["employment.external.control_check_odds_ratio_adjusted"]
    if c_or[0] is not None:
        ch.text("job_external_check", or_=f2("c_vs_e", "or_estimate"),
                lo=f2("c_vs_e", "or_ci_low"), hi=f2("c_vs_e", "or_ci_high"))
    rows = []
    for comp, comp_key in (("t_vs_e", "job_c_t_vs_e"), ("c_vs_e", "job_c_c_vs_e")):
        for kind, kind_key in (("or", "job_aor"), ("hr", "job_ahr")):
            r = ex.loc[comp]
            rows.append({"comparison": ch.t(comp_key), "measure": ch.t(kind_key),
                         **{k: r.get(f"{kind}_{k}", np.nan) for k in ESTIMATE_KEYS}})
    tab = pd.DataFrame(rows)
    tab["p_text"] = tab["p_value"].map(lambda p: _fmt_p(p if pd.notna(p) else None, lang))
    ch.table(tab, [Column("comparison", ch.t("job_h_comparison")),
                   Column("measure", ch.t("job_h_measure")),
                   Column("estimate", ch.t("job_h_estimate"), "num", decimals=2),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", decimals=2),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", decimals=2),
                   Column("p_text", ch.t("job_h_p"))],
             ch.t("job_external_caption"), ch.t("job_source"),
             note=ch.t("job_external_note", rare=RARE_LEVEL))


def show_status(ch: Chapter, computed: Employment) -> None:
    """Status on the extract date by arm (not used when the extract is after the cut-off)."""
    if not _usable(computed):
        return
    ch.section("job_status")
    lang = ch.language
    if computed.status is None:
        ch.text("job_status_not_used", cutoff=fmt_date(computed.cutoff, lang))
        return
    ch.text("job_status_text")
    if computed.status_unused:
        ch.text("job_status_partly", n=fmt_int(computed.status_unused, lang))
    tab = computed.status.copy()
    status_var = OUTCOMES.var("status")
    tab["status"] = tab["status"].map(lambda s: status_var.code_label(s, lang))
    base_row = {"status": ch.t("job_n_with_status")}
    for arm in ARMS:
        base_row.update({f"n_{arm}": tab[f"base_{arm}"].iloc[0], f"share_{arm}": np.nan,
                         f"base_{arm}": tab[f"base_{arm}"].iloc[0]})
    tab = pd.concat([tab, pd.DataFrame([base_row])], ignore_index=True)
    cols = [Column("status", ch.t("job_h_status"))]
    for arm in ARMS:
        cols += [Column(f"n_{arm}", f"{arm_name(arm, lang)} (n)", "count"),
                 Column(f"share_{arm}", f"{arm_name(arm, lang)} (%)", "pct", base=f"base_{arm}")]
    ch.table(tab, cols, ch.t("job_status_caption"), ch.t("job_source"))


def show_limits(ch: Chapter, computed: Employment) -> None:
    """What the results cannot show."""
    if not _usable(computed):
        return
    ch.section("job_limits")
    ch.text("job_limits_text")
