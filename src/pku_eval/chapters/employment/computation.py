"""The employment chapter's computation: :func:`compute` (pure) and its frozen result.

Who is counted (REPORT_SPEC.md): KLAR participants (offices of project ``klar``, trial and
reference), withdrawn excluded, with an outcomes row. A participant without an outcomes row is
missing, never "not employed". A first job counts when ``first_job_date`` ≤ follow-up end (the
earlier of ``followup_date`` and the cut-off); time to work is censored at the follow-up end.

What is withheld is decided by the suppression policy (:class:`pku_eval.disclosure.Policy`):
a rate on too few people, a comparison with a too small group, a share after months on the
Kaplan-Meier curve when too few are still at risk.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ...codebook import ARMS, DAYS_PER_MONTH, OUTCOMES
from ...disclosure import Policy
from ...params import Params
from ...shared_counts import shared_counts
from ...stats import cox, proportions, survival
from ...stats.errors import EstimationError
from ...values import SUPPRESSED, Value, frozen_values
from .primary import Primary, compute_primary, primary_values
from .sensitivity import Sensitivity, compute_sensitivity

TREATMENT, CONTROL, EXTERNAL = "treatment", "internal_control", "external_control"
#: Baseline covariates of the adjusted models (office is added in the randomised comparison).
COVARIATES = ("age", "gender", "main_benefit", "education", "immigrant")
CATEGORICAL = ("gender", "main_benefit", "education")
#: Levels of a categorical covariate with fewer people than this are pooled in the models.
RARE_LEVEL = 10
AT_RISK_STEP_MONTHS = 6
KM_REPORT_MONTHS = (12, 24)
STATUSES = tuple(OUTCOMES.var("status").codes)
ESTIMATE_KEYS = ("estimate", "ci_low", "ci_high", "p_value")

# Reasons for a null in results.json (English, machine-readable; the report shows texts).
R_NO_FILE = "no outcomes file (register data) in the data directory"
R_SUPPRESSED = SUPPRESSED
R_UNDEFINED = "not defined for these data (a group with no first jobs, or only first jobs)"
R_NO_EVENTS = "no first jobs in the compared groups: no time-to-work model can be fitted"
R_NOT_FITTED = "model could not be fitted"
R_NOT_AT_RISK = "no one at risk then"
#: Time transform of the test of proportional hazards (R cox.zph's default, as in the tests of
#: stats.proportional_hazards_test).
PH_TRANSFORM = "km"


@dataclass(frozen=True)
class Employment:
    """Everything the employment chapter shows.

    ``values`` maps each results.json key path to its :class:`~pku_eval.values.Value`; the
    frames are for the tables and figures (the publishing path withholds their small cells).
    """

    available: bool
    cutoff: pd.Timestamp
    policy: Policy
    values: Mapping[str, Value]
    frame: pd.DataFrame | None = None        # KLAR analysed participants, one row each
    counts: pd.DataFrame | None = None       # per arm: analysed, missing, with_outcome, share, CI
    effects: pd.DataFrame | None = None      # randomised comparison, one row per measure
    hazard: Mapping | None = None            # Cox result (estimate, ci, p, ph_test_p)
    logrank_p: float | None = None
    by_office: pd.DataFrame | None = None
    km: pd.DataFrame | None = None
    at_risk: pd.DataFrame | None = None      # arm × month: number at risk
    km_at: Mapping = field(default_factory=dict)  # months -> {arm: Value of cumulative share}
    external: pd.DataFrame | None = None
    status: pd.DataFrame | None = None
    #: outcomes rows whose status is not used (the extract is dated after the cut-off)
    status_unused: Value = field(default_factory=lambda: Value(0, n=0))
    followup_months: tuple | None = None     # (median, lower, upper quartile) months followed
    interim: bool = False                    # some register extract is dated after the cut-off
    primary: Primary | None = None           # the primary estimand and the design's analyses
    sensitivity: Sensitivity | None = None   # coaches, missing outcomes, IPW, forecast

    def value(self, path: str):
        """The published value of a results.json path (``None`` when null)."""
        return self.values[path].estimate

    def reason(self, path: str):
        """Why the value of a results.json path is null (or has null parts)."""
        return self.values[path].reason

    @property
    def usable(self) -> bool:
        """Register data exist for at least one KLAR participant."""
        return self.available and self.frame is not None and bool(self.frame["has_outcome"].any())


def compute(stage, params: Params) -> Employment:
    """All numbers of the chapter for one report stage (:class:`pku_eval.tidy.StageData`)."""
    policy = Policy(params.min_cell)
    if not stage.has("outcomes"):
        return Employment(available=False, cutoff=stage.cutoff, policy=policy,
                          values=frozen_values(_all_null(R_NO_FILE)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # model warnings are reported through the results
        frame = analysis_frame(stage)
        outcomes = stage.table("outcomes")
        counts, values = _rates(frame, policy, shared_counts(stage, params.waves, policy,
                                                             params.filter))
        with_row = frame[frame["has_outcome"]]
        followup = None
        if len(with_row):
            months = with_row["followup_days"] / DAYS_PER_MONTH
            # median and quartiles: the extremes would describe single persons
            followup = (float(months.median()), float(months.quantile(0.25)),
                        float(months.quantile(0.75)))
        randomised = with_row[(with_row["randomised"] == 1)
                              & with_row["arm"].isin([TREATMENT, CONTROL])]
        effects, v = _randomised_effects(randomised, policy)
        values.update(v)
        by_office, v = _by_office(randomised, stage.offices, policy)
        values.update(v)
        hazard, logrank_p, v = _time_to_work(randomised, policy)
        values.update(v)
        primary = compute_primary(randomised, params, _group_guard(
            randomised, "arm", (TREATMENT, CONTROL), policy))
        values.update(primary_values(primary))
        interim = bool((outcomes["followup_date"] > stage.cutoff).any())
        sensitivity = compute_sensitivity(
            frame, with_row, randomised, stage, params, policy, primary, interim, _pool_rare,
            COVARIATES, CATEGORICAL,
            _group_guard(with_row, "arm", (TREATMENT, EXTERNAL), policy))
        values.update(sensitivity.values)
        km, at_risk, km_at = _kaplan_meier(with_row, policy)
        external, v = _external(with_row, policy)
        values.update(v)
        status, unused = _status(with_row)
    return Employment(
        available=True, cutoff=stage.cutoff, policy=policy, values=frozen_values(values),
        frame=frame, counts=counts, effects=effects, hazard=hazard, logrank_p=logrank_p,
        by_office=by_office, km=km, at_risk=at_risk, km_at=km_at, external=external,
        status=status, status_unused=policy.count(unused), followup_months=followup,
        primary=primary, sensitivity=sensitivity, interim=interim)


def analysis_frame(stage) -> pd.DataFrame:
    """KLAR participants (trial and reference offices), withdrawn excluded, one row each, with
    their outcomes: ``has_outcome``, ``employed`` (1/0; NaN without an outcomes row), ``event``
    (= employed), ``days`` (enrolment to first job, or to the follow-up end when censored;
    NaN without an outcomes row), ``followup_days`` (enrolment to follow-up end), ``status``,
    ``age`` (at enrolment) and the office's ``county``. The stage's frames are not changed."""
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


def _all_null(reason: str) -> dict:
    values = {}
    for arm in ARMS:
        for key in ("rate", "rate_ci", "missing_outcome"):
            values[f"employment.{key}.{arm}"] = Value.null(reason)
    for key in ("employment.risk_difference", "employment.risk_ratio", "employment.odds_ratio",
                "employment.odds_ratio_adjusted", "time_to_work.hazard_ratio",
                "time_to_work.hazard_ratio_p_value", "time_to_work.ph_test_p",
                "time_to_work.logrank_p", "employment.external.odds_ratio_adjusted",
                "employment.external.control_check_odds_ratio_adjusted",
                "time_to_work.external.hazard_ratio_adjusted",
                "time_to_work.external.control_check_hazard_ratio_adjusted",
                "employment.horizon.risk_difference", "time_to_work.rmst_difference",
                "employment.risk_difference_stratified",
                "employment.sensitivity.coach_robust", "employment.missing.bounds",
                "employment.missing.mar", "employment.missing.tipping_point",
                "employment.external_ipw", "employment.horizon.precision_forecast",
                "employment.horizon.nnt", "employment.external.negative_control"):
        values[key] = Value.null(reason)
    return values


def _rates(frame: pd.DataFrame, policy: Policy, shared) -> tuple[pd.DataFrame, dict]:
    """Share with a first job per arm (Wilson interval) and missing register data. The three
    counts are shared counts of the report (:mod:`pku_eval.shared_counts`): ``hide_<count>``
    says which the report withholds — where the participants' flow withholds them, so that
    neither table gives the other away; a share resting on a withheld count is withheld too."""
    rows, values = [], {}
    for arm in ARMS:
        g = frame[frame["arm"] == arm]
        with_row = g[g["has_outcome"]]
        n, k = len(with_row), int(with_row["employed"].sum())
        share = k / n if n else np.nan
        low, high = proportions.wilson_interval(k, n) if n else (np.nan, np.nan)
        hide = {c: shared.is_hidden(f"klar_{c}", arm)
                for c in ("analysed", "missing", "with_outcome")}
        rows.append({"arm": arm, "analysed": len(g), "missing": len(g) - n, "with_outcome": n,
                     "employed": k, "share": share, "ci_low": low, "ci_high": high,
                     **{f"hide_{c}": h for c, h in hide.items()}})
        # a share at full precision gives back its base: withheld with it
        rate = policy.stat(share, n, f"no KLAR {arm} participants with register data",
                           withheld=bool(n) and any(hide.values()))
        values[f"employment.rate.{arm}"] = rate
        values[f"employment.rate_ci.{arm}"] = (
            Value({"estimate": share, "ci_low": low, "ci_high": high}, n=n) if rate.shown
            else rate)
        values[f"employment.missing_outcome.{arm}"] = (
            Value.null(SUPPRESSED, n=len(g) - n) if hide["missing"]
            else policy.count(len(g) - n))
    return pd.DataFrame(rows), values


def _group_guard(data: pd.DataFrame, group: str, levels: tuple, policy: Policy) -> str | None:
    """Reason why two groups cannot be compared (None when they can)."""
    sizes = [int((data[group] == level).sum()) for level in levels]
    if 0 in sizes:
        empty = [lvl for lvl, s in zip(levels, sizes) if s == 0]
        return f"no {', '.join(empty)} participants with register data"
    return policy.guard(sizes)


def _estimate(row: pd.Series, keys=ESTIMATE_KEYS) -> Value:
    """An estimate object of plain floats (None for NaN), with the reason of its null parts
    when a part is not defined (results.json lists them as ``<path>.<part>``)."""
    out = {}
    for key in keys:
        v = row[key] if key in row.index else np.nan
        out[key] = None if v is None or not np.isfinite(v) else float(v)
    return Value(out, reason=R_UNDEFINED if None in out.values() else None)


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
    model, so that the adjusted models can be fitted on small data too. Returns a copy.
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


def _randomised_effects(rand: pd.DataFrame, policy: Policy) -> tuple[pd.DataFrame, dict]:
    """Risk difference (the results.json key), risk ratio, odds ratio, adjusted odds ratio."""
    guard = _group_guard(rand, "arm", (TREATMENT, CONTROL), policy)
    measures = {
        "rd": ("employment.risk_difference", proportions.risk_difference, {}),
        "rr": ("employment.risk_ratio", proportions.risk_ratio, {}),
        "or": ("employment.odds_ratio", proportions.odds_ratio, {}),
        "aor": ("employment.odds_ratio_adjusted", proportions.adjusted_odds_ratio,
                {"covariates": ["office", *COVARIATES]}),
    }
    rows, values = [], {}
    data = _pool_rare(rand, ["office", *CATEGORICAL]) if guard is None else rand
    for measure, (path, function, extra) in measures.items():
        if guard is not None:
            values[path] = Value.null(guard)
            rows.append({"measure": measure, "reason": guard})
            continue
        out, reason = _fit(function, data, "employed", "arm", TREATMENT, CONTROL, **extra)
        if out is None:
            values[path] = Value.null(reason)
            rows.append({"measure": measure, "reason": reason})
            continue
        est = _estimate(out)
        values[path] = est
        rows.append({"measure": measure, **est.estimate, "reason": est.reason,
                     **{k: out[k] for k in ("n_treatment", "n_control", "p_treatment",
                                            "p_control") if k in out}})
    return pd.DataFrame(rows).set_index("measure"), values


def _by_office(rand: pd.DataFrame, offices: pd.DataFrame,
               policy: Policy) -> tuple[pd.DataFrame, dict]:
    """Shares and risk difference per trial office (a comparison with a too small group is
    withheld: the policy's guard)."""
    trial = offices.loc[(offices["project"] == "klar") & (offices["role"] == "trial"), "office"]
    rows, values = [], {}
    for office in trial:
        g = rand[rand["office"] == office]
        row = {"office": office}
        for arm, tag in ((TREATMENT, "t"), (CONTROL, "c")):
            a = g.loc[g["arm"] == arm, "employed"]
            row[f"n_{tag}"] = len(a)
            row[f"share_{tag}"] = a.mean() if len(a) else np.nan
        guard = _group_guard(g, "arm", (TREATMENT, CONTROL), policy)
        if guard is None:
            out, reason = _fit(proportions.risk_difference, g, "employed", "arm", TREATMENT,
                               CONTROL)
            value = _estimate(out) if out is not None else Value.null(reason)
        else:
            value = Value.null(guard)
        values[f"employment.by_office.{office}"] = value
        est = value.estimate or {}
        row.update({k: est[k] if est.get(k) is not None else np.nan for k in ESTIMATE_KEYS})
        row["base"] = min(row["n_t"], row["n_c"])
        rows.append(row)
    return pd.DataFrame(rows), values


def _time_to_work(rand: pd.DataFrame, policy: Policy) -> tuple[Mapping | None, float | None,
                                                               dict]:
    """Cox hazard ratio (stratified by office) and log-rank test, treatment against control."""
    guard = _group_guard(rand, "arm", (TREATMENT, CONTROL), policy)
    keys = ("time_to_work.hazard_ratio", "time_to_work.hazard_ratio_p_value",
            "time_to_work.ph_test_p", "time_to_work.logrank_p")
    if guard is None and rand["event"].sum() == 0:
        guard = R_NO_EVENTS
    if guard is not None:
        return None, None, {key: Value.null(guard) for key in keys}
    values, hazard = {}, None
    out, reason = _fit(cox.cox_hazard_ratio, rand, "days", "event", "arm", TREATMENT,
                       CONTROL, strata="office", ties="efron", ph_transform=PH_TRANSFORM)
    if out is None:
        for key in keys[:3]:
            values[key] = Value.null(reason)
    else:
        est = _estimate(out, ("estimate", "ci_low", "ci_high"))
        values[keys[0]] = est
        hazard = MappingProxyType({**est.estimate, "p_value": _finite(out["p_value"]),
                                   "ph_test_p": _finite(out["ph_test_p"])})
        for key, name in ((keys[1], "p_value"), (keys[2], "ph_test_p")):
            values[key] = _or_null(hazard[name], R_UNDEFINED)
    lr, reason = _fit(survival.logrank, rand, "days", "event", "arm")
    logrank_p = _finite(lr["p_value"]) if lr is not None else None
    values[keys[3]] = _or_null(logrank_p, reason if lr is None else R_UNDEFINED)
    return hazard, logrank_p, values


def _kaplan_meier(with_row: pd.DataFrame, policy: Policy):
    """Kaplan-Meier by arm (months), the numbers at risk every 6 months, and the cumulative
    share with a first job at 12 and 24 months (withheld when too few are still at risk)."""
    data = with_row.assign(months=with_row["days"] / DAYS_PER_MONTH)
    arms = [arm for arm in ARMS if (data["arm"] == arm).any()]
    if not arms:
        return None, None, {}
    data = data[data["arm"].isin(arms)]
    km = survival.kaplan_meier(data, "months", "event", group="arm")
    top = math.ceil(data["months"].max() / AT_RISK_STEP_MONTHS) * AT_RISK_STEP_MONTHS
    months = np.arange(0, max(top, AT_RISK_STEP_MONTHS) + 1, AT_RISK_STEP_MONTHS)
    at_risk = pd.DataFrame(
        {m: [int((data.loc[data["arm"] == arm, "months"] >= m).sum()) for arm in arms]
         for m in months}, index=pd.Index(arms, name="arm"))
    km_at = {m: {arm: _km_share_at(km[km["group"] == arm], m, policy) for arm in arms}
             for m in KM_REPORT_MONTHS}
    return km, at_risk, km_at


def _km_share_at(km: pd.DataFrame, months: float, policy: Policy) -> Value:
    """Cumulative share with a first job at ``months`` (1 − S), withheld when too few are
    still at risk then (the estimate rests on too few people)."""
    later = km[km["time"] >= months]
    if later.empty:
        return Value.null(R_NOT_AT_RISK, n=0)
    at_risk = int(later["at_risk"].iloc[0])
    if policy.too_few(at_risk):
        return Value.null(SUPPRESSED, n=at_risk)
    before = km[km["time"] <= months]
    return Value(float(1 - before["survival"].iloc[-1]) if len(before) else 0.0, n=at_risk)


def _external(with_row: pd.DataFrame, policy: Policy) -> tuple[pd.DataFrame, dict]:
    """Observational: treatment (and, as a check, internal control) against the external
    control group, adjusted for baseline covariates (logistic; Cox stratified by county)."""
    rows, values = [], {}
    for label, arm, or_key, hr_key in (
            ("t_vs_e", TREATMENT, "employment.external.odds_ratio_adjusted",
             "time_to_work.external.hazard_ratio_adjusted"),
            ("c_vs_e", CONTROL, "employment.external.control_check_odds_ratio_adjusted",
             "time_to_work.external.control_check_hazard_ratio_adjusted")):
        pair = with_row[with_row["arm"].isin([arm, EXTERNAL])]
        pair = _pool_rare(pair, CATEGORICAL) if len(pair) else pair
        guard = _group_guard(pair, "arm", (arm, EXTERNAL), policy)
        row = {"comparison": label}
        for kind, key in (("or", or_key), ("hr", hr_key)):
            if guard is not None:
                values[key] = Value.null(guard)
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
                values[key] = Value.null(reason)
                row[f"{kind}_reason"] = reason
                continue
            est = _estimate(out)
            values[key] = est
            row.update({f"{kind}_{k}": v for k, v in est.estimate.items()})
        rows.append(row)
    values["employment.external.negative_control"] = negative_control(
        values["employment.external.control_check_odds_ratio_adjusted"],
        values["time_to_work.external.control_check_hazard_ratio_adjusted"])
    return pd.DataFrame(rows).set_index("comparison"), values


#: Readings of the negative-control comparison (internal against external control: both had
#: usual follow-up, so any clear difference is confounding, not an effect of SE).
CONFOUNDED, NO_CLEAR_DIFFERENCE = "confounded", "no_clear_difference"


def negative_control(odds_ratio: Value, hazard_ratio: Value) -> Value:
    """The reading of the negative-control comparison: ``confounded`` when the interval of
    the adjusted odds ratio or hazard ratio of internal against external control excludes 1
    (the external comparison then mixes the offices' or participants' differences into the
    effect of SE), else ``no_clear_difference`` (which does not prove the comparison
    unconfounded); null with the reason when neither ratio is shown."""
    shown = {k: v.estimate for k, v in (("odds_ratio", odds_ratio),
                                        ("hazard_ratio", hazard_ratio)) if v.shown}
    excludes = {}
    for kind, est in shown.items():
        lo, hi = est.get("ci_low"), est.get("ci_high")
        if lo is not None and hi is not None:
            excludes[f"{kind}_excludes_1"] = bool(lo > 1 or hi < 1)
    if not excludes:
        reason = odds_ratio.reason or hazard_ratio.reason or R_UNDEFINED
        return Value.null(reason)
    reading = CONFOUNDED if any(excludes.values()) else NO_CLEAR_DIFFERENCE
    return Value({"reading": reading, **excludes})


def _dummies(frame: pd.DataFrame, covariates) -> tuple[pd.DataFrame, list[str]]:
    """Numeric design columns for the Cox model: categorical covariates as 0/1 dummies
    (first level dropped), constant columns left out. Returns a copy."""
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


def _status(with_row: pd.DataFrame) -> tuple[pd.DataFrame | None, int]:
    """Status on the extract date: status × arm counts with each arm's base; and the number
    of outcomes rows whose status is not used (extract dated after the cut-off)."""
    unused = int(with_row["status"].isna().sum())
    known = with_row[with_row["status"].notna()]
    if known.empty:
        return None, unused
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
    return pd.DataFrame(rows), unused


def _finite(v) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


def _or_null(v, reason: str) -> Value:
    return Value(v) if v is not None else Value.null(reason)
