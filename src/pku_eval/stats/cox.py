"""The Cox proportional-hazards model: the hazard ratio (stratified, Efron ties) and the test of
proportional hazards (R ``cox.zph``, survival 3.x, with a chosen transform of time).

Same conventions as :mod:`pku_eval.stats.survival` (one row per person, a duration and an event
column; :class:`~pku_eval.stats.errors.EstimationError` when the data cannot give the estimate).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    as_name_list,
    check_no_overlap,
    require_alpha,
    require_columns,
    require_frame,
    require_levels,
    require_numeric,
)
from .errors import EstimationError
from .survival import _product_limit, _survival_frame

__all__ = ["cox_hazard_ratio", "proportional_hazards_test"]

#: Transformations of time for the test of proportional hazards (R ``cox.zph``).
_PH_TRANSFORMS = ("km", "rank", "identity", "log")


def _check_ph_transform(transform: object) -> None:
    if transform not in _PH_TRANSFORMS:
        raise ValueError(
            f"transform must be one of {_PH_TRANSFORMS} ('km' is the default of R's cox.zph), "
            f"got {transform!r}"
        )


def _fit_cox(frame: pd.DataFrame, covariates: list[str], strata: list[str], alpha: float):
    """Efron partial-likelihood fit with lifelines; a fit that these data cannot give raises
    EstimationError."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    fitter = CoxPHFitter(alpha=alpha)
    columns = ["_duration", "_event", *covariates, *strata]
    try:
        fitter.fit(frame[columns], duration_col="_duration", event_col="_event",
                   strata=strata or None)
    except ConvergenceError as exc:
        raise EstimationError(
            "not_converged", f"the Cox model could not be fitted: {str(exc).splitlines()[0]}"
        ) from exc
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            "singular", f"the Cox model could not be fitted (singular information): {exc}"
        ) from exc
    return fitter


def _transformed_time(durations: np.ndarray, events: np.ndarray, transform: str) -> np.ndarray:
    """g(t) of R's cox.zph for every row, from all rows (strata ignored, as in R)."""
    if transform == "identity":
        return durations.astype(float)
    if transform == "rank":
        return stats.rankdata(durations)  # average ranks of ties, as R's rank()
    if transform == "log":
        if (durations[events == 1] <= 0).any():
            raise EstimationError(
                "not_estimable", "the log transform of time needs event times above 0")
        with np.errstate(divide="ignore"):
            return np.log(durations.astype(float))
    # "km": 1 - the left-continuous Kaplan-Meier estimate S(t-) of all rows
    table = _product_limit(durations, events, 0.05, "log")
    before = np.searchsorted(table["time"].to_numpy(), durations, side="left")
    return 1.0 - np.r_[1.0, table["survival"].to_numpy()][before]


def _sums_by_time(at: np.ndarray, k: int, weights: np.ndarray,
                  x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct time (index ``at`` of each row, ``k`` times): the sums of the weights,
    of weight * x (k x p) and of weight * x x' (k x p x p)."""
    p = x.shape[1]
    s0 = np.bincount(at, weights=weights, minlength=k)
    s1 = np.stack([np.bincount(at, weights=weights * x[:, i], minlength=k) for i in range(p)],
                  axis=1)
    s2 = np.stack([np.bincount(at, weights=weights * x[:, i] * x[:, j], minlength=k)
                   for i in range(p) for j in range(p)], axis=1).reshape(k, p, p)
    return s0, s1, s2


def _zph_score(durations: np.ndarray, events: np.ndarray, x: np.ndarray, eta: np.ndarray,
               g: np.ndarray, strata: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First derivative u (2p) and information (2p x 2p) of the Cox partial likelihood with the
    added terms x * g(t), at the fitted beta and zero for the added terms, Efron's ties: what
    the C routine zph1 of R's survival package returns (u and imat)."""
    p = x.shape[1]
    x = x - x.mean(axis=0)
    u = np.zeros(2 * p)
    info = np.zeros((2 * p, 2 * p))
    for code in np.unique(strata):
        rows = strata == code
        time, dead, xs = durations[rows], events[rows] == 1, x[rows]
        risk = np.exp(eta[rows] - eta[rows].max())
        times, at = np.unique(time, return_inverse=True)
        k = len(times)
        g_at = np.zeros(k)
        g_at[at] = g[rows]
        all0, all1, all2 = _sums_by_time(at, k, risk, xs)
        d0, d1, d2 = _sums_by_time(at[dead], k, risk[dead], xs[dead])
        n_dead = np.bincount(at[dead], minlength=k)
        x_dead = np.stack([np.bincount(at[dead], weights=xs[dead, i], minlength=k)
                           for i in range(p)], axis=1)
        # risk set at each time without its deaths: later times plus censored at that time
        out0 = all0[::-1].cumsum()[::-1] - d0
        out1 = all1[::-1].cumsum(axis=0)[::-1] - d1
        out2 = all2[::-1].cumsum(axis=0)[::-1] - d2
        # Efron: d tied deaths give d terms, the deaths weighted 1/d, 2/d, ..., 1
        term = np.repeat(np.arange(k), n_dead)
        step = np.arange(len(term)) - np.repeat(np.cumsum(n_dead) - n_dead, n_dead) + 1
        share = step / n_dead[term]
        denom = out0[term] + share * d0[term]
        mean = (out1[term] + share[:, None] * d1[term]) / denom[:, None]
        second = (out2[term] + share[:, None, None] * d2[term]) / denom[:, None, None]
        var = second - mean[:, :, None] * mean[:, None, :]
        gt = g_at[term]
        u[:p] += x_dead.sum(axis=0) - mean.sum(axis=0)
        u[p:] += (g_at[:, None] * x_dead).sum(axis=0) - (gt[:, None] * mean).sum(axis=0)
        info[:p, :p] += var.sum(axis=0)
        info[:p, p:] += (gt[:, None, None] * var).sum(axis=0)
        info[p:, p:] += (gt[:, None, None] ** 2 * var).sum(axis=0)
    info[p:, :p] = info[:p, p:].T
    return u, info


def _zph_table(frame: pd.DataFrame, covariates: list[str], strata: list[str], beta: np.ndarray,
               transform: str) -> pd.DataFrame:
    """Score test of R's cox.zph per covariate and globally, for a fitted Cox model (``beta``)
    on ``frame`` (columns ``_duration``, ``_event``, the covariates and the strata)."""
    durations = frame["_duration"].to_numpy(float)
    events = frame["_event"].to_numpy(int)
    x = frame[covariates].to_numpy(float)
    if strata:
        codes = pd.MultiIndex.from_frame(frame[strata]).factorize()[0] if len(strata) > 1 \
            else pd.factorize(frame[strata[0]])[0]
    else:
        codes = np.zeros(len(frame), dtype=int)
    g = _transformed_time(durations, events, transform)
    g = g - g[events == 1].mean()
    eta = (x - x.mean(axis=0)) @ beta
    u, info = _zph_score(durations, events, x, eta, g, codes)
    p = len(covariates)
    u[:p] = 0.0  # the score of the fitted terms is zero at the maximum (as in R)
    statistics = []
    try:
        for i in range(p):
            keep = [*range(p), p + i]
            part = u[keep]
            statistics.append(float(part @ np.linalg.solve(info[np.ix_(keep, keep)], part)))
        statistics.append(float(u @ np.linalg.solve(info, u)))
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            "singular", "the information matrix of the test of proportional hazards is "
            "singular (a covariate that does not vary within strata?)") from exc
    df = [1] * p + [p]
    return pd.DataFrame({
        "term": [*covariates, "GLOBAL"],
        "statistic": statistics,
        "df": df,
        "p_value": [float(stats.chi2.sf(s, d)) for s, d in zip(statistics, df, strict=True)],
    })


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
    ph_transform: str = "km",
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
    ph_transform : {"km", "rank", "identity", "log"}
        Transformation of time in the test of proportional hazards (``ph_test_p``); ``"km"``
        is R's ``cox.zph`` default. See :func:`proportional_hazards_test`.

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
        - ``ph_test_p``: p of the test of proportional hazards for the group term: the score
          test of R's ``cox.zph`` (survival 3.x) for adding the group indicator times the
          transformed time ``ph_transform`` to the model, computed on the same fit by
          :func:`proportional_hazards_test` (Grambsch & Therneau 1994). Small values
          indicate that the hazard ratio changes over time.

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
    alpha = require_alpha(alpha)
    _check_ph_transform(ph_transform)
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
            raise EstimationError("no_data", f"no complete rows left in the {label} group")
        counts[f"n_{label}"] = len(part)
        counts[f"events_{label}"] = int(part["_event"].sum())
    if frame["_event"].sum() == 0:
        raise EstimationError(
            "no_events", f"no events in column '{event}'; a Cox model needs events")

    strata_columns = [f"_stratum_{i}" for i in range(len(strata_list))]
    covariate_columns = ["_treatment", *(f"_covariate_{i}" for i in range(len(covariate_list)))]
    fitter = _fit_cox(frame, covariate_columns, strata_columns, alpha)
    coef = float(fitter.params_["_treatment"])
    se = float(fitter.standard_errors_["_treatment"])
    z = stats.norm.isf(alpha / 2)
    ph_table = _zph_table(frame, covariate_columns, strata_columns,
                          fitter.params_[covariate_columns].to_numpy(float), ph_transform)
    ph_p = float(ph_table.loc[0, "p_value"])
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


def proportional_hazards_test(
    data: pd.DataFrame,
    duration: str,
    event: str,
    covariates: str | Sequence[str],
    strata: str | Sequence[str] | None = None,
    transform: str = "km",
    ties: str = "efron",
) -> pd.DataFrame:
    """Test of proportional hazards in a Cox model, per covariate and globally (R ``cox.zph``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    duration : str
        Column with the time to event or censoring (non-negative).
    event : str
        Column coded 1 (event observed) or 0 (censored).
    covariates : str or sequence of str
        Numeric columns of the Cox model (for a group comparison, a 0/1 indicator).
    strata : str or sequence of str, optional
        Column(s) defining strata with separate baseline hazards.
    transform : {"km", "rank", "identity", "log"}
        The function of time :math:`g(t)` the hazard ratio may drift with: ``"km"`` (default,
        as in R) is :math:`1 - \\hat S(t-)`, one minus the left-continuous Kaplan-Meier estimate
        of all rows; ``"rank"`` the rank of the time among all rows; ``"identity"`` the time;
        ``"log"`` its logarithm.
    ties : {"efron"}
        Handling of tied event times; only Efron's method (R's ``coxph`` default).

    Returns
    -------
    pandas.DataFrame
        One row per covariate and a last row ``"GLOBAL"``, with columns

        - ``term``: the covariate, or ``"GLOBAL"`` for all of them together.
        - ``statistic``: the score chi-square (R's ``chisq``).
        - ``df``: its degrees of freedom (1 per covariate; their number for ``GLOBAL``).
        - ``p_value``: upper tail of the chi-square distribution.
        - ``n``, ``events``: persons and events in the model; ``transform``: the transform.

    Notes
    -----
    The score test of survival 3.x's ``cox.zph`` (Therneau 2019 onwards): the Cox model
    :math:`h_s(t \\mid x) = h_{0s}(t) \\exp(\\beta^\\top x)` is fitted (Efron), and the test is
    the score test at :math:`(\\hat\\beta, 0)` for adding the terms
    :math:`\\gamma_j\\, x_j\\, \\{g(t) - \\bar g\\}` (one at a time, then all together), with
    :math:`\\bar g` the mean of :math:`g` over the events and the full information matrix of
    :math:`(\\beta, \\gamma)`. A linear trend of the scaled Schoenfeld residuals against
    :math:`g(t)` approximates it (Grambsch & Therneau 1994); before survival 3.0, R and
    lifelines' ``proportional_hazard_test`` report that approximation, which differs somewhat.
    Small p-values indicate a hazard ratio that changes over time.

    References
    ----------
    .. [1] Grambsch, P. M., & Therneau, T. M. (1994). Proportional hazards tests and diagnostics
       based on weighted residuals. Biometrika, 81, 515-526.
    .. [2] Therneau, T. M., & Grambsch, P. M. (2000). Modeling Survival Data: Extending the Cox
       Model, section 6.2. Springer.
    .. [3] Therneau, T. M. (2024). A Package for Survival Analysis in R. R package
       ``survival``, function ``cox.zph``.

    Examples
    --------
    Ovarian cancer (R's ``survival::ovarian``): R prints chisq 0.698 (age), 2.371 (ecog.ps)
    and 3.633 (GLOBAL):

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "futime": [59, 115, 156, 421, 431, 448, 464, 475, 477, 563, 638, 744, 769, 770,
    ...                803, 855, 1040, 1106, 1129, 1206, 1227, 268, 329, 353, 365, 377],
    ...     "fustat": [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
    ...                1, 1, 0],
    ...     "age": [72.3315, 74.4932, 66.4658, 53.3644, 50.3397, 56.4301, 56.937, 59.8548,
    ...             64.1753, 55.1781, 56.7562, 50.1096, 59.6301, 57.0521, 39.2712, 43.1233,
    ...             38.8932, 44.6, 53.9068, 44.2055, 59.589, 74.5041, 43.137, 63.2192,
    ...             64.4247, 58.3096],
    ...     "ecog": [1, 1, 2, 1, 1, 2, 2, 2, 1, 2, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 2,
    ...              1, 1]})
    >>> res = proportional_hazards_test(df, "futime", "fustat", ["age", "ecog"])
    >>> res[["term", "statistic", "df", "p_value"]].round(3)
         term  statistic  df  p_value
    0     age      0.698   1    0.404
    1    ecog      2.371   1    0.124
    2  GLOBAL      3.633   2    0.163
    """
    _check_ph_transform(transform)
    if ties != "efron":
        raise ValueError(
            f"ties={ties!r} is not available: lifelines implements Efron's method only "
            "(ties='efron', also R's coxph default)"
        )
    covariate_list = as_name_list(covariates, "covariates")
    strata_list = as_name_list(strata, "strata")
    if not covariate_list:
        raise ValueError("covariates must name at least one column of the Cox model")
    require_frame(data)
    require_columns(data, [duration, event, *covariate_list, *strata_list])
    check_no_overlap({"duration": [duration], "event": [event], "covariate": covariate_list,
                      "stratum": strata_list})
    for column in covariate_list:
        require_numeric(data, column)
    used = _survival_frame(data, duration, event, [*covariate_list, *strata_list])
    if used[event].sum() == 0:
        raise EstimationError(
            "no_events", f"no events in column '{event}'; a Cox model needs events")
    names = [f"_covariate_{i}" for i in range(len(covariate_list))]
    frame = pd.DataFrame({"_duration": used[duration].astype(float),
                          "_event": used[event].astype(int)})
    for name, column in zip(names, covariate_list, strict=True):
        frame[name] = used[column].astype(float)
    strata_columns = [f"_stratum_{i}" for i in range(len(strata_list))]
    for name, column in zip(strata_columns, strata_list, strict=True):
        frame[name] = used[column].astype(str)
    fitter = _fit_cox(frame, names, strata_columns, 0.05)
    table = _zph_table(frame, names, strata_columns, fitter.params_[names].to_numpy(float),
                       transform)
    table["term"] = [*covariate_list, "GLOBAL"]
    table["n"] = len(frame)
    table["events"] = int(frame["_event"].sum())
    table["transform"] = transform
    return table
