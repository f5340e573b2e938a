"""Comparing two survival curves on an absolute scale: risk by a horizon and restricted mean.

Every function takes one row per person with a duration column (time from start to event or
censoring, any non-negative unit), an event column (1 = event observed, 0 = censored) and a group
column, and returns a one-row DataFrame (treatment against control). Rows with a missing
duration, event or group are left out; rows of other groups are ignored.

When the chosen horizon lies beyond the follow-up of a group, the Kaplan-Meier curve is not
defined there: the estimates are then ``NaN`` and the column ``note`` says why (otherwise
``note`` is empty).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import check_no_overlap, require_alpha, require_columns, require_levels
from .errors import EstimationError
from .survival import _product_limit, _survival_frame

__all__ = ["km_risk_difference", "rmst_difference"]


def _check_time_point(value: object, name: str) -> float:
    """A horizon or truncation time: a finite number >= 0 (``> 0`` for ``tau``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number (a time on the scale of the duration column)")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (name == "tau" and value == 0):
        bound = "positive" if name == "tau" else "non-negative"
        raise ValueError(f"{name} must be a finite {bound} time, got {value}")
    return value


def _two_arms(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str,
    treatment: object,
    control: object,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Check the input and return ``{label: (durations, events)}`` for the two groups."""
    require_columns(data, [duration, event, group])
    check_no_overlap({"duration": [duration], "event": [event], "group": [group]})
    require_levels(data, group, [treatment, control], "treatment and control")
    subset = data.loc[data[group].isin([treatment, control])]
    used = _survival_frame(subset, duration, event, [group])
    arms = {}
    for label, level in (("treatment", treatment), ("control", control)):
        part = used.loc[used[group] == level]
        if part.empty:
            raise EstimationError("no_data", f"no complete rows left in group '{level}' ({label})")
        arms[label] = (part[duration].to_numpy(float), part[event].to_numpy(int))
    return arms


def _follow_up_note(label: str, level: object, durations: np.ndarray, events: np.ndarray,
                    name: str, time: float) -> str:
    last = float(durations.max())
    status = "an event" if events[durations == last].min() == 1 else "censored"
    return (
        f"nobody in the {label} group ('{level}') is followed up to {name} = {time:g} (last "
        f"observation at {last:g}, {status}): the Kaplan-Meier curve is not defined there"
    )


def km_risk_difference(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str,
    horizon: float,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference in the risk of an event by a horizon, from Kaplan-Meier curves.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str
        Column with the group of each person.
    horizon : float
        The time by which the risk is compared, on the scale of ``duration``. Events at exactly
        ``horizon`` count.
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`\\{1 - \\hat S_t(h)\\} - \\{1 - \\hat S_c(h)\\}`, the
          difference of the Kaplan-Meier risks by the horizon :math:`h`.
        - ``ci_low``, ``ci_high``: Wald interval :math:`\\hat d \\mp z\\,SE`.
        - ``se``: :math:`\\sqrt{SE_t^2 + SE_c^2}` with Greenwood's standard errors.
        - ``statistic``: :math:`z = \\hat d / SE`; ``p_value``: its two-sided p.
        - ``risk_treatment``, ``se_treatment``: :math:`1 - \\hat S_t(h)` and its Greenwood
          standard error; ``at_risk_treatment``: persons still followed at :math:`h`
          (duration :math:`\\ge h`); ``events_treatment``: events up to and including
          :math:`h`; ``n_treatment``: persons. The same for ``control``.
        - ``horizon``: the horizon.
        - ``note``: empty, or why the estimate is ``NaN`` (nobody followed up to the horizon
          in a group).

    Notes
    -----
    :math:`\\hat S(h) = \\prod_{t_i \\le h}(1 - d_i/n_i)` and Greenwood's
    :math:`\\widehat{\\operatorname{var}}\\{\\hat S(h)\\} = \\hat S(h)^2 \\sum_{t_i \\le h}
    d_i / \\{n_i (n_i - d_i)\\}`, as R's ``summary(survfit(...), times = h)`` (``surv`` and
    ``std.err``). The two groups are independent, so the variances add. When nobody in a group
    is followed up to :math:`h`, R's ``summary`` drops the time; here the estimates are
    ``NaN`` and ``note`` says so. When a curve has dropped to 0 by :math:`h`, Greenwood's
    variance is undefined and the interval is ``NaN``. Before the first event the risk is 0
    with standard error 0.

    References
    ----------
    .. [1] Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. Journal of the American Statistical Association, 53, 457-481.
    .. [2] Greenwood, M. (1926). The natural duration of cancer. Reports on Public Health and
       Medical Subjects, 33, 1-26. HMSO.
    .. [3] Klein, J. P., Logan, B., Harhoff, M., & Andersen, P. K. (2007). Analyzing survival
       curves at a fixed point in time. Statistics in Medicine, 26, 4505-4519.

    Examples
    --------
    Acute myelogenous leukaemia, maintained against non-maintained chemotherapy (R's
    ``survival::aml``), risk of relapse by week 12:

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "weeks": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...               5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
    ...     "relapse": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0,
    ...                 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    ...     "arm": ["maintained"] * 11 + ["not"] * 12})
    >>> res = km_risk_difference(df, "weeks", "relapse", "arm", 12, "maintained", "not")
    >>> res[["estimate", "ci_low", "ci_high", "risk_treatment", "risk_control"]].round(4)
       estimate  ci_low  ci_high  risk_treatment  risk_control
    0   -0.3258 -0.6524   0.0008          0.0909        0.4167
    """
    alpha = require_alpha(alpha)
    horizon = _check_time_point(horizon, "horizon")
    arms = _two_arms(data, duration, event, group, treatment, control)
    row: dict[str, object] = {}
    notes = []
    for label, level in (("treatment", treatment), ("control", control)):
        durations, events = arms[label]
        at_risk = int((durations >= horizon).sum())
        table = _product_limit(durations, events, alpha, "log")
        reached = table["time"] <= horizon
        if at_risk == 0:
            risk, se = np.nan, np.nan
            notes.append(_follow_up_note(label, level, durations, events, "horizon", horizon))
        elif not reached.any():
            risk, se = 0.0, 0.0
        else:
            last = table.loc[reached].iloc[-1]
            risk, se = 1.0 - float(last["survival"]), float(last["se"])
        row[f"risk_{label}"] = risk
        row[f"se_{label}"] = se
        row[f"at_risk_{label}"] = at_risk
        row[f"events_{label}"] = int(events[durations <= horizon].sum())
        row[f"n_{label}"] = len(durations)
    estimate = row["risk_treatment"] - row["risk_control"]
    se = float(np.sqrt(row["se_treatment"] ** 2 + row["se_control"] ** 2))
    if np.isfinite(se) and se > 0:
        z_crit = stats.norm.isf(alpha / 2)
        statistic = estimate / se
        ci_low, ci_high = estimate - z_crit * se, estimate + z_crit * se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    else:
        statistic, ci_low, ci_high, p_value = np.nan, np.nan, np.nan, np.nan
    result = {
        "estimate": float(estimate),
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "se": se,
        "statistic": float(statistic),
        "p_value": p_value,
        **row,
        "horizon": horizon,
        "note": "; ".join(notes),
    }
    return pd.DataFrame([result])


def _restricted_mean(durations: np.ndarray, events: np.ndarray, tau: float) -> tuple[float, float]:
    """Area under the Kaplan-Meier curve up to ``tau`` and its variance, as survRM2's rmst1."""
    times, inverse = np.unique(durations, return_inverse=True)
    n_events = np.bincount(inverse, weights=events.astype(float), minlength=len(times))
    n_total = np.bincount(inverse, minlength=len(times))
    at_risk = len(durations) - np.concatenate(([0], np.cumsum(n_total)[:-1]))
    survival = np.cumprod(1 - n_events / at_risk)
    within = times <= tau
    grid = np.concatenate(([0.0], times[within], [tau]))
    heights = np.concatenate(([1.0], survival[within]))  # S on [grid[j], grid[j + 1])
    areas = np.diff(grid) * heights
    rmst = float(areas.sum())
    d, n = n_events[within], at_risk[within]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n - d > 0, d / (n * (n - d)), 0.0)
    area_after = np.cumsum(areas[::-1])[::-1][1:]  # area from each time t_i to tau
    return rmst, float(np.sum(area_after**2 * terms))


def _tau_note(arms: dict, levels: dict, tau: float) -> str:
    """Empty if tau is within follow-up (survRM2's rule), else the reason it is not."""
    notes = []
    longest = max(float(durations.max()) for durations, _ in arms.values())
    for label, (durations, events) in arms.items():
        last = float(durations.max())
        censored_last = events[durations == last].min() == 0
        if tau > longest or (censored_last and tau > last):
            notes.append(_follow_up_note(label, levels[label], durations, events, "tau", tau))
    return "; ".join(notes)


def _log_ratio(first: float, second: float, var_first: float, var_second: float,
               z_crit: float) -> tuple[float, float, float, float]:
    """Ratio first/second with a delta-method interval on the log scale, and its p."""
    if min(first, second) <= 0:
        return np.nan, np.nan, np.nan, np.nan
    log_ratio = np.log(first / second)
    se = np.sqrt(var_first / first**2 + var_second / second**2)
    if not se > 0:
        return float(first / second), np.nan, np.nan, np.nan
    return (
        float(first / second),
        float(np.exp(log_ratio - z_crit * se)),
        float(np.exp(log_ratio + z_crit * se)),
        float(2 * stats.norm.sf(abs(log_ratio) / se)),
    )


def rmst_difference(
    data: pd.DataFrame,
    duration: str,
    event: str,
    group: str,
    tau: float,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference (and ratios) of restricted mean survival times up to ``tau``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    group : str
        Column with the group of each person.
    tau : float
        Truncation time, on the scale of ``duration``; pre-specify it. It must lie within the
        follow-up of both groups (see Notes).
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    alpha : float
        Significance level; ``0.05`` gives 95% intervals.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`\\hat\\mu_t - \\hat\\mu_c`, the difference of the restricted
          mean survival times :math:`\\hat\\mu = \\int_0^\\tau \\hat S(u)\\,du`.
        - ``ci_low``, ``ci_high``: Wald interval :math:`\\hat d \\mp z\\,SE`.
        - ``se``: :math:`\\sqrt{SE_t^2 + SE_c^2}`.
        - ``statistic``: :math:`z = \\hat d / SE`; ``p_value``: its two-sided p.
        - ``rmst_treatment``, ``se_treatment``, ``n_treatment``, ``events_treatment`` (events
          up to :math:`\\tau`), and the same for ``control``.
        - ``ratio``, ``ratio_ci_low``, ``ratio_ci_high``, ``ratio_p_value``:
          :math:`\\hat\\mu_t / \\hat\\mu_c` with a delta-method interval on the log scale.
        - ``rmtl_ratio``, ``rmtl_ratio_ci_low``, ``rmtl_ratio_ci_high``,
          ``rmtl_ratio_p_value``: ratio of the restricted mean times lost
          :math:`(\\tau - \\hat\\mu_t)/(\\tau - \\hat\\mu_c)`, likewise.
        - ``tau``: the truncation time.
        - ``note``: empty, or why the estimates are ``NaN`` (``tau`` beyond follow-up).

    Notes
    -----
    The unadjusted analysis of R's ``survRM2::rmst2`` (Uno et al. 2014). With the Kaplan-Meier
    curve of a group, event times :math:`t_i \\le \\tau`, :math:`d_i` events among :math:`n_i`
    at risk and :math:`A_i = \\int_{t_i}^{\\tau} \\hat S(u)\\,du`, the variance is the
    Greenwood plug-in

    .. math::

        \\widehat{\\operatorname{var}}(\\hat\\mu) = \\sum_{t_i \\le \\tau}
        A_i^2 \\frac{d_i}{n_i (n_i - d_i)}

    (a term with :math:`n_i = d_i` counts 0, as in survRM2). For the ratios,
    :math:`SE\\{\\log(\\hat\\mu_t / \\hat\\mu_c)\\} = \\sqrt{\\operatorname{var}_t /
    \\hat\\mu_t^2 + \\operatorname{var}_c / \\hat\\mu_c^2}`, and the same with the mean times
    lost :math:`\\tau - \\hat\\mu`.

    As in survRM2, :math:`\\tau` may not exceed the longest follow-up of either group, nor the
    last follow-up of a group whose last observation is censored (survRM2 stops with an error;
    here the estimates are ``NaN`` and ``note`` says why). Check that enough persons are still
    at risk at :math:`\\tau` in both groups.

    References
    ----------
    .. [1] Uno, H., Claggett, B., Tian, L., et al. (2014). Moving beyond the hazard ratio in
       quantifying the between-group difference in survival analysis. Journal of Clinical
       Oncology, 32, 2380-2385.
    .. [2] Royston, P., & Parmar, M. K. B. (2013). Restricted mean survival time: an
       alternative to the hazard ratio for the design and analysis of randomized trials with a
       time-to-event outcome. BMC Medical Research Methodology, 13, 152.
    .. [3] Uno, H., Tian, L., Horiguchi, M., Cronin, A., Battioui, C., & Bell, J. (2022).
       survRM2: Comparing Restricted Mean Survival Time. R package version 1.0-4.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "weeks": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
    ...               5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
    ...     "relapse": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0,
    ...                 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    ...     "arm": ["maintained"] * 11 + ["not"] * 12})
    >>> res = rmst_difference(df, "weeks", "relapse", "arm", 40, "maintained", "not")
    >>> res[["estimate", "ci_low", "ci_high", "rmst_treatment", "rmst_control"]].round(2)
       estimate  ci_low  ci_high  rmst_treatment  rmst_control
    0      6.97   -3.17     17.1            28.9         21.93
    """
    alpha = require_alpha(alpha)
    tau = _check_time_point(tau, "tau")
    arms = _two_arms(data, duration, event, group, treatment, control)
    levels = {"treatment": treatment, "control": control}
    note = _tau_note(arms, levels, tau)
    z_crit = stats.norm.isf(alpha / 2)
    per_arm: dict[str, object] = {}
    summaries = {}
    for label, (durations, events) in arms.items():
        rmst, var = _restricted_mean(durations, events, tau) if not note else (np.nan, np.nan)
        summaries[label] = (rmst, var)
        per_arm[f"rmst_{label}"] = rmst
        per_arm[f"se_{label}"] = float(np.sqrt(var))
        per_arm[f"n_{label}"] = len(durations)
        per_arm[f"events_{label}"] = int(events[durations <= tau].sum())
    (mu_t, var_t), (mu_c, var_c) = summaries["treatment"], summaries["control"]
    estimate = mu_t - mu_c
    se = float(np.sqrt(var_t + var_c))
    if np.isfinite(se) and se > 0:
        statistic = estimate / se
        ci_low, ci_high = estimate - z_crit * se, estimate + z_crit * se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    else:
        statistic, ci_low, ci_high, p_value = np.nan, np.nan, np.nan, np.nan
    if note:
        ratio = rmtl = (np.nan, np.nan, np.nan, np.nan)
    else:
        ratio = _log_ratio(mu_t, mu_c, var_t, var_c, z_crit)
        rmtl = _log_ratio(tau - mu_t, tau - mu_c, var_t, var_c, z_crit)
    result = {
        "estimate": float(estimate),
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "se": se,
        "statistic": float(statistic),
        "p_value": p_value,
        **per_arm,
        "ratio": ratio[0],
        "ratio_ci_low": ratio[1],
        "ratio_ci_high": ratio[2],
        "ratio_p_value": ratio[3],
        "rmtl_ratio": rmtl[0],
        "rmtl_ratio_ci_low": rmtl[1],
        "rmtl_ratio_ci_high": rmtl[2],
        "rmtl_ratio_p_value": rmtl[3],
        "tau": tau,
        "note": note,
    }
    return pd.DataFrame([result])
