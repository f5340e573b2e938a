"""Time-to-event analysis: Kaplan-Meier curves, the log-rank test and the Cox hazard ratio.

Every function takes one row per person with a duration column (time from start to event or
censoring, any non-negative unit) and an event column (1 = event observed, 0 = censored).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    as_name_list,
    check_no_overlap,
    require_alpha,
    require_binary,
    require_columns,
    require_frame,
    require_levels,
    require_numeric,
)

__all__ = ["cox_hazard_ratio", "kaplan_meier", "logrank"]

_CONF_TYPES = ("log-log", "log")


def _survival_frame(
    data: pd.DataFrame, duration: str, event: str, extra: Sequence[str] = ()
) -> pd.DataFrame:
    """Check duration and event columns and return the complete rows of the used columns."""
    require_frame(data)
    require_columns(data, [duration, event, *extra])
    require_numeric(data, duration)
    require_binary(data, event)
    used = data[[duration, event, *extra]].dropna()
    if used.empty:
        raise ValueError(f"no rows with both '{duration}' and '{event}' present")
    if (used[duration] < 0).any():
        first = used.loc[used[duration] < 0, duration].iloc[0]
        raise ValueError(
            f"column '{duration}' holds a negative duration ({first}); durations must be >= 0 "
            "(an event or censoring date before the start date?)"
        )
    return used


def _product_limit(
    durations: np.ndarray, events: np.ndarray, alpha: float, conf_type: str
) -> pd.DataFrame:
    """Kaplan-Meier table of one group at every distinct observed time."""
    times, inverse = np.unique(durations, return_inverse=True)
    events = events.astype(float)
    n_events = np.bincount(inverse, weights=events, minlength=len(times))
    n_total = np.bincount(inverse, minlength=len(times))
    at_risk = len(durations) - np.concatenate(([0], np.cumsum(n_total)[:-1]))
    survival = np.cumprod(1 - n_events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood_terms = np.where(
            n_events > 0, n_events / (at_risk * (at_risk - n_events)), 0.0
        )
        greenwood = np.cumsum(greenwood_terms)  # var(log S); inf once S reaches 0
        se = survival * np.sqrt(greenwood)
        z = stats.norm.isf(alpha / 2)
        if conf_type == "log":
            ci_low = survival * np.exp(-z * np.sqrt(greenwood))
            ci_high = np.minimum(survival * np.exp(z * np.sqrt(greenwood)), 1.0)
        else:
            log_minus_log = np.log(-np.log(survival))
            half = z * np.sqrt(greenwood) / np.abs(np.log(survival))
            ci_low = np.exp(-np.exp(log_minus_log + half))
            ci_high = np.exp(-np.exp(log_minus_log - half))
    before_first_event = survival == 1.0
    ci_low = np.where(before_first_event, 1.0, ci_low)
    ci_high = np.where(before_first_event, 1.0, ci_high)
    se = np.where(before_first_event, 0.0, se)
    reached_zero = survival == 0.0
    ci_low = np.where(reached_zero, np.nan, ci_low)
    ci_high = np.where(reached_zero, np.nan, ci_high)
    se = np.where(reached_zero, np.nan, se)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype(int),
            "events": n_events.astype(int),
            "censored": (n_total - n_events).astype(int),
            "survival": survival,
            "se": se,
            "ci_low": ci_low,
            "ci_high": ci_high,
        }
    )


def kaplan_meier(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str | None = None,
    alpha: float = 0.05,
    conf_type: str = "log-log",
) -> pd.DataFrame:
    """Kaplan-Meier survival table, per group.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str, optional
        Column with the group of each person; one curve per level. ``None`` gives one curve.
    alpha : float
        Significance level; ``0.05`` gives pointwise 95% intervals.
    conf_type : {"log-log", "log"}
        Transformation for the pointwise interval: ``"log-log"`` (Kalbfleisch & Prentice,
        the default of lifelines, Stata and SAS) or ``"log"`` (the default of R's
        ``survfit``).

    Returns
    -------
    pandas.DataFrame
        One row per group and distinct observed time (events and censorings), sorted by group
        and time, with columns

        - ``group`` (only when ``group`` is given): the level.
        - ``time``: the time.
        - ``at_risk``: persons at risk just before ``time``.
        - ``events``: events at ``time``.
        - ``censored``: censorings at ``time``.
        - ``survival``: Kaplan-Meier estimate of :math:`S(t)` just after ``time``.
        - ``se``: Greenwood standard error of ``survival``.
        - ``ci_low``, ``ci_high``: pointwise interval (``NaN`` once ``survival`` is 0).

        Before the first time, :math:`S = 1`.

    Notes
    -----
    :math:`\\hat S(t) = \\prod_{t_i \\le t} (1 - d_i / n_i)`, with Greenwood's variance
    :math:`\\widehat{\\operatorname{var}}\\{\\log \\hat S(t)\\} = \\sum_{t_i \\le t}
    d_i / \\{n_i (n_i - d_i)\\}`. The ``"log"`` interval is
    :math:`\\hat S \\exp(\\mp z\\,\\sigma)` (upper limit capped at 1), the ``"log-log"``
    interval is :math:`\\hat S^{\\exp(\\pm z\\,\\sigma / \\log \\hat S)}`, with
    :math:`\\sigma^2` Greenwood's variance of :math:`\\log \\hat S`.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. Journal of the American Statistical Association, 53, 457-481.
    .. [2] Kalbfleisch, J. D., & Prentice, R. L. (2002). The Statistical Analysis of Failure
       Time Data (2nd ed.). Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"weeks": [6, 6, 6, 6, 7, 9, 10],
    ...                    "relapse": [1, 1, 1, 0, 1, 0, 1]})
    >>> km = kaplan_meier(df, "weeks", "relapse")
    >>> km[["time", "at_risk", "events", "survival"]].round(4)
       time  at_risk  events  survival
    0     6        7       3    0.5714
    1     7        3       1    0.3810
    2     9        2       0    0.3810
    3    10        1       1    0.0000
    """
    alpha = require_alpha(alpha)
    if conf_type not in _CONF_TYPES:
        raise ValueError(f"conf_type must be one of {_CONF_TYPES}, got {conf_type!r}")
    extra = [] if group is None else [group]
    used = _survival_frame(data, duration, event, extra)
    if group is None:
        return _product_limit(used[duration].to_numpy(), used[event].to_numpy(), alpha, conf_type)
    tables = []
    for level, part in used.groupby(group, sort=True, observed=True):
        table = _product_limit(part[duration].to_numpy(), part[event].to_numpy(), alpha, conf_type)
        table.insert(0, "group", level)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def logrank(data: pd.DataFrame, duration: str, event: str, group: str) -> pd.DataFrame:
    """Log-rank test of equal survival in two or more groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str
        Column with the group of each person (two or more levels).

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``statistic``: the log-rank chi-square.
        - ``df``: degrees of freedom (number of groups minus 1).
        - ``p_value``: upper tail of the chi-square distribution.
        - ``n``: persons; ``events``: events; ``n_groups``: groups compared.

    Notes
    -----
    With observed minus expected events :math:`O - E` per group (expectations under equal
    hazards, from the risk sets at each event time) and their hypergeometric covariance
    :math:`V`, the statistic is :math:`(O - E)^\\top V^{-} (O - E)`, dropping one group; it
    equals R's ``survdiff`` with ``rho = 0``. Computed with lifelines'
    ``multivariate_logrank_test``.

    References
    ----------
    .. [1] Mantel, N. (1966). Evaluation of survival data and two new rank order statistics
       arising in its consideration. Cancer Chemotherapy Reports, 50, 163-170.
    .. [2] Peto, R., & Peto, J. (1972). Asymptotically efficient rank invariant test procedures.
       Journal of the Royal Statistical Society, Series A, 135, 185-207.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"weeks": [1, 2, 3, 4, 5, 6, 7, 8],
    ...                    "relapse": [1, 1, 1, 1, 1, 0, 1, 0],
    ...                    "arm": ["c", "c", "t", "c", "c", "t", "t", "t"]})
    >>> res = logrank(df, "weeks", "relapse", "arm")
    >>> res.round(4)
       statistic  df  p_value  n  events  n_groups
    0     3.8092   1    0.051  8       6         2
    """
    from lifelines.statistics import multivariate_logrank_test

    used = _survival_frame(data, duration, event, [group])
    n_groups = int(used[group].nunique())
    if n_groups < 2:
        raise ValueError(f"column '{group}' has only one level among complete rows; need two")
    if used[event].sum() == 0:
        raise ValueError(f"no events in column '{event}'; the log-rank test needs events")
    result = multivariate_logrank_test(used[duration], used[group], used[event])
    row = {
        "statistic": float(result.test_statistic),
        "df": int(result.degrees_of_freedom),
        "p_value": float(result.p_value),
        "n": len(used),
        "events": int(used[event].sum()),
        "n_groups": n_groups,
    }
    return pd.DataFrame([row])


def cox_hazard_ratio(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str,
    treatment: object,
    control: object,
    strata: str | Sequence[str] | None = None,
    ties: str = "efron",
    covariates: str | Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Hazard ratio of treatment against control from a Cox proportional-hazards model.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; rows of other groups are ignored.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str
        Column with the group of each person.
    treatment, control : object
        The levels of ``group`` to compare.
    strata : str or sequence of str, optional
        Column(s) defining strata with separate baseline hazards (e.g. the office).
    ties : {"efron"}
        Handling of tied event times. Only Efron's method is available (it is lifelines'
        method and R's ``coxph`` default).
    covariates : str or sequence of str, optional
        Further numeric columns to adjust for (none by default: group is the only covariate).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: hazard ratio :math:`\\exp(\\beta)`, treatment against control.
        - ``ci_low``, ``ci_high``: Wald interval :math:`\\exp(\\beta \\mp z\\,SE)`.
        - ``p_value``: two-sided Wald p for :math:`\\beta = 0`.
        - ``coef``, ``se``: :math:`\\beta` (log hazard ratio) and its standard error.
        - ``n``, ``events``: persons and events in the model (complete rows).
        - ``n_treatment``, ``events_treatment``, ``n_control``, ``events_control``: the same
          per group.
        - ``ph_test_p``: p of the test of proportional hazards for the group term, from the
          scaled Schoenfeld residuals against Kaplan-Meier-transformed time (Grambsch &
          Therneau 1994; lifelines ``proportional_hazard_test``, ``time_transform="km"``).
          Small values indicate that the hazard ratio changes over time.

    Notes
    -----
    Model: :math:`h_s(t \\mid x) = h_{0s}(t) \\exp(\\beta\\,[\\text{group} = \\text{treatment}]
    + \\gamma^\\top z)` with a baseline hazard :math:`h_{0s}` per stratum :math:`s`, fitted by
    partial likelihood with Efron's handling of ties (lifelines ``CoxPHFitter``).

    References
    ----------
    .. [1] Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal
       Statistical Society, Series B, 34, 187-220.
    .. [2] Efron, B. (1977). The efficiency of Cox's likelihood function for censored data.
       Journal of the American Statistical Association, 72, 557-565.
    .. [3] Grambsch, P. M., & Therneau, T. M. (1994). Proportional hazards tests and diagnostics
       based on weighted residuals. Biometrika, 81, 515-526.
    .. [4] Davidson-Pilon, C. (2019). lifelines: survival analysis in Python. Journal of Open
       Source Software, 4(40), 1317.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "weeks": [2, 3, 5, 6, 8, 9, 11, 12, 4, 7, 10, 13, 14, 15, 16, 18],
    ...     "job": [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0],
    ...     "arm": ["t"] * 8 + ["c"] * 8,
    ... })
    >>> res = cox_hazard_ratio(df, "weeks", "job", "arm", "t", "c")
    >>> res[["estimate", "ci_low", "ci_high", "n", "events"]].round(3)
       estimate  ci_low  ci_high   n  events
    0     5.524   1.062   28.728  16      10
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    alpha = require_alpha(alpha)
    if ties != "efron":
        raise ValueError(
            f"ties={ties!r} is not available: lifelines implements Efron's method only "
            "(ties='efron', also R's coxph default)"
        )
    strata_list = as_name_list(strata, "strata")
    covariate_list = as_name_list(covariates, "covariates")
    require_frame(data)
    require_columns(data, [duration, event, group, *strata_list, *covariate_list])
    check_no_overlap(
        {
            "duration": [duration],
            "event": [event],
            "group": [group],
            "stratum": strata_list,
            "covariate": covariate_list,
        }
    )
    for column in covariate_list:
        require_numeric(data, column)
    require_levels(data, group, [treatment, control], "treatment and control")
    subset = data.loc[data[group].isin([treatment, control])]
    used = _survival_frame(subset, duration, event, [group, *strata_list, *covariate_list])

    frame = pd.DataFrame(
        {
            "_duration": used[duration].astype(float),
            "_event": used[event].astype(int),
            "_treatment": (used[group] == treatment).astype(float),
        }
    )
    for i, column in enumerate(covariate_list):
        frame[f"_covariate_{i}"] = used[column].astype(float)
    for i, column in enumerate(strata_list):
        frame[f"_stratum_{i}"] = used[column].astype(str)
    counts = {}
    for label, flag in (("treatment", 1.0), ("control", 0.0)):
        part = frame.loc[frame["_treatment"] == flag]
        if part.empty:
            raise ValueError(f"no complete rows left in the {label} group")
        counts[f"n_{label}"] = len(part)
        counts[f"events_{label}"] = int(part["_event"].sum())
    if frame["_event"].sum() == 0:
        raise ValueError(f"no events in column '{event}'; a Cox model needs events")

    strata_columns = [f"_stratum_{i}" for i in range(len(strata_list))] or None
    fitter = CoxPHFitter(alpha=alpha)
    fitter.fit(frame, duration_col="_duration", event_col="_event", strata=strata_columns)
    coef = float(fitter.params_["_treatment"])
    se = float(fitter.standard_errors_["_treatment"])
    z = stats.norm.isf(alpha / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns that the test is approximate
        ph_test = proportional_hazard_test(fitter, frame, time_transform="km")
    ph_summary = ph_test.summary
    ph_p = float(ph_summary.loc["_treatment", "p"]) if "_treatment" in ph_summary.index else np.nan
    row = {
        "estimate": float(np.exp(coef)),
        "ci_low": float(np.exp(coef - z * se)),
        "ci_high": float(np.exp(coef + z * se)),
        "p_value": float(2 * stats.norm.sf(abs(coef) / se)),
        "coef": coef,
        "se": se,
        "n": len(frame),
        "events": int(frame["_event"].sum()),
        **counts,
        "ph_test_p": ph_p,
    }
    return pd.DataFrame([row])
