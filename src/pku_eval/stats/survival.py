"""Time-to-event analysis: Kaplan-Meier curves and median, the log-rank test, the Cox hazard ratio
and the test of proportional hazards.

Every function takes one row per person with a duration column (time from start to event or
censoring, any non-negative unit) and an event column (1 = event observed, 0 = censored).
When the data cannot give the estimate (no complete rows, no events, a group left empty, a model
that cannot be fitted) the functions raise :class:`~pku_eval.stats.errors.EstimationError` with
a ``reason`` code; wrong input raises :class:`TypeError` or :class:`ValueError`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    require_alpha,
    require_binary,
    require_columns,
    require_frame,
    require_numeric,
)
from .errors import EstimationError

__all__ = ["kaplan_meier", "km_median", "logrank"]  # the Cox model: pku_eval.stats.cox

_CONF_TYPES = ("log-log", "log", "plain")


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
        raise EstimationError("no_data", f"no rows with both '{duration}' and '{event}' present")
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
        elif conf_type == "plain":
            ci_low = np.maximum(survival - z * se, 0.0)
            ci_high = np.minimum(survival + z * se, 1.0)
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
    conf_type : {"log-log", "log", "plain"}
        Transformation for the pointwise interval: ``"log-log"`` (Kalbfleisch & Prentice,
        the default of lifelines, Stata and SAS), ``"log"`` (the default of R's
        ``survfit``) or ``"plain"`` (untransformed, :math:`\\hat S \\mp z\\,SE`, clipped
        to [0, 1]).

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
    :math:`\\sigma^2` Greenwood's variance of :math:`\\log \\hat S`; the ``"plain"``
    interval is :math:`\\hat S (1 \\mp z\\,\\sigma)`, clipped to [0, 1]. These are R's
    ``survfit`` limits for the same ``conf.type``.

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


_R_TOLERANCE = float(np.sqrt(np.finfo(float).eps))  # R's sqrt(.Machine$double.eps)


def _first_reaching(levels: np.ndarray, p: float) -> int | None:
    """Index of R's ``approx(levels, seq_along(levels), p, method="constant", f=1)``: the
    point with the smallest level >= p (missing levels ignored; None outside their range)."""
    ok = np.flatnonzero(~np.isnan(levels))
    if len(ok) == 0 or p < levels[ok].min() or p > levels[ok].max():
        return None
    candidates = ok[levels[ok] >= p]
    return int(candidates[np.argmin(levels[candidates])])


def _find_quantile(x: np.ndarray, cdf: np.ndarray, p: float, tol: float = _R_TOLERANCE) -> float:
    """R survival's ``findq``: where a horizontal line at ``p`` meets the step function ``cdf``
    (1 - S) over the times ``x``; on a flat stretch exactly at ``p`` the midpoint of the
    stretch, on a final flat stretch the midpoint up to the last time."""
    if np.all(np.isnan(cdf)) or np.nanmax(cdf) < p:
        return np.nan
    x_max = x[-1]
    keep = ~pd.Series(cdf).duplicated().to_numpy()  # censored times repeat the level
    x, cdf = x[keep], cdf[keep]
    first = _first_reaching(cdf + tol, p)
    beyond = _first_reaching(cdf - tol, p)
    if first is not None and not np.isnan(cdf[-1]) and abs(p - cdf[-1]) < tol:
        return float((x[first] + x_max) / 2)
    if first is None or beyond is None:
        return np.nan
    return float((x[first] + x[beyond]) / 2)


def km_median(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str | None = None,
    alpha: float = 0.05,
    conf_type: str = "log-log",
    prob: float = 0.5,
) -> pd.DataFrame:
    """Median time to event (or another quantile) from the Kaplan-Meier curve, with its interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str, optional
        Column with the group of each person; one row per level. ``None`` gives one row.
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.
    conf_type : {"log-log", "log", "plain"}
        Pointwise interval of the curve that the interval of the median is read from (see
        :func:`kaplan_meier`). The default ``"log-log"`` is that of :func:`kaplan_meier`
        (and of lifelines, Stata and SAS); R's ``survfit`` default is ``"log"``.
    prob : float
        Share of persons with the event by the time sought, strictly between 0 and 1 (R's
        ``probs``): ``0.5`` gives the median, ``0.25`` the time by which a quarter had the
        event.

    Returns
    -------
    pandas.DataFrame
        One row (per group, sorted by group) with columns

        - ``group`` (only when ``group`` is given): the level.
        - ``estimate``: the time by which the curve falls to :math:`1 - p` (the median for
          :math:`p = 0.5`); ``NaN`` if the curve stays above it (median not reached).
        - ``ci_low``, ``ci_high``: the times by which the lower and the upper pointwise limit
          fall to :math:`1 - p`; ``NaN`` if that limit stays above it (printed ``NA`` by R).
        - ``n``: persons; ``events``: events.

    Notes
    -----
    The interval is that of Brookmeyer & Crowley (1982), read off the pointwise band as
    R's ``print(survfit(...))`` and ``quantile.survfit`` do: draw a horizontal line at
    :math:`1 - p`; the estimate is where it meets the curve, the lower limit where it meets the
    lower pointwise limit, the upper limit where it meets the upper one. At a time where a
    curve steps from above to below the line, that time is taken. When a curve is exactly at
    :math:`1 - p` (within :math:`\\\\sqrt{\\\\epsilon} \\\\approx 1.5 \\\\cdot 10^{-8}`) over a
    stretch, the midpoint of the stretch is taken, up to the last follow-up time when the
    stretch is the end of the curve - R's rule, so that the estimate equals the usual sample
    median without censoring. With ``conf_type="log"`` the results are R's ``survfit``
    defaults (``median``, ``0.95LCL``, ``0.95UCL``).

    References
    ----------
    .. [1] Brookmeyer, R., & Crowley, J. (1982). A confidence interval for the median survival
       time. Biometrics, 38, 29-41.
    .. [2] Klein, J. P., & Moeschberger, M. L. (2003). Survival Analysis: Techniques for
       Censored and Truncated Data (2nd ed.), section 4.5. Springer.
    .. [3] Therneau, T. M. (2024). A Package for Survival Analysis in R. R package
       ``survival``, functions ``print.survfit`` and ``quantile.survfit``.

    Examples
    --------
    Acute myelogenous leukaemia (R's ``survival::aml``), weeks to relapse; R prints median 31
    (0.95LCL 18, 0.95UCL NA) and 23 (8, NA):

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "weeks": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...               5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
    ...     "relapse": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0,
    ...                 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    ...     "arm": ["maintained"] * 11 + ["not"] * 12})
    >>> km_median(df, "weeks", "relapse", "arm", conf_type="log")
            group  estimate  ci_low  ci_high   n  events
    0  maintained      31.0    18.0      NaN  11       7
    1         not      23.0     8.0      NaN  12      11
    """
    alpha = require_alpha(alpha)
    if conf_type not in _CONF_TYPES:
        raise ValueError(f"conf_type must be one of {_CONF_TYPES}, got {conf_type!r}")
    if isinstance(prob, bool) or not isinstance(prob, (int, float, np.floating)):
        raise TypeError(f"prob must be a number between 0 and 1 (0.5 for the median), got {prob!r}")
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie strictly between 0 and 1 (0.5 for the median), got {prob}")
    extra = [] if group is None else [group]
    used = _survival_frame(data, duration, event, extra)
    parts = [(None, used)] if group is None else list(
        used.groupby(group, sort=True, observed=True))
    rows = []
    for level, part in parts:
        table = _product_limit(part[duration].to_numpy(float), part[event].to_numpy(),
                               alpha, conf_type)
        times = np.r_[0.0, table["time"].to_numpy(float)]
        row = {} if group is None else {"group": level}
        for key, column in (("estimate", "survival"), ("ci_low", "ci_low"),
                            ("ci_high", "ci_high")):
            row[key] = _find_quantile(times, np.r_[0.0, 1 - table[column].to_numpy(float)],
                                      float(prob))
        row["n"] = len(part)
        row["events"] = int(part[event].sum())
        rows.append(row)
    return pd.DataFrame(rows)


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
        raise EstimationError(
            "too_few", f"column '{group}' has only one level among complete rows; need two")
    if used[event].sum() == 0:
        raise EstimationError(
            "no_events", f"no events in column '{event}'; the log-rank test needs events")
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
