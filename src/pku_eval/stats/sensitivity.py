"""Missing binary outcomes in a two-arm comparison: bounds, imputation under MAR and a
δ-adjusted tipping point; and the precision a trial will have at its planned size.

- :func:`missing_outcome_bounds`: the worst- and best-case risk differences (every missing
  outcome set to the value least, or most, favourable to the treatment; Horowitz & Manski
  2000), which need no assumption about why outcomes are missing;
- :func:`mi_risk_difference`: multiple imputation of the missing outcomes by logistic
  regression on baseline covariates within each arm (``mice``'s ``logreg`` method), the risk
  difference pooled by Rubin's rules; with ``delta`` > 0 the imputed employment probability of
  the missing treated participants is lowered by ``delta`` (an MNAR pattern-mixture model);
- :func:`tipping_point`: the smallest such ``delta`` at which the interval reaches 0;
- :func:`half_width_forecast`: the half-width of a risk difference's interval at another
  sample size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    as_name_list,
    require_alpha,
    require_binary,
    require_columns,
    require_frame,
    require_levels,
)
from .errors import EstimationError
from .imputation import rubin_pool

_RIDGE = 1e-4  # ridge per observation in the imputation model (sparse covariate levels)

__all__ = ["half_width_at_sizes", "half_width_forecast", "mi_risk_difference",
           "missing_outcome_bounds", "n_for_half_width", "tipping_point"]


def _arms(data, outcome, group, treatment, control):
    data = require_frame(data)
    require_columns(data, [outcome, group])
    require_levels(data, group, [treatment, control], "treatment and control")
    require_binary(data, outcome)
    frame = data[data[group].isin([treatment, control])]
    t = (frame[group] == treatment).to_numpy()
    y = frame[outcome].to_numpy(float)
    return frame, t, y


def missing_outcome_bounds(
    data: pd.DataFrame, outcome: str, group: str, treatment: object, control: object,
) -> pd.DataFrame:
    """Worst- and best-case bounds of a risk difference with missing outcomes.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per randomised person, the missing ones included (outcome NaN).
    outcome : str
        Column coded 0/1, NaN when missing.
    group, treatment, control
        The arms (treatment minus control).

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (complete cases), ``lower`` (missing treated 0, missing
        controls 1), ``upper`` (missing treated 1, missing controls 0), ``missing_treatment``,
        ``missing_control``, ``n_treatment``, ``n_control`` (all randomised).

    References
    ----------
    .. [1] Horowitz, J. L., & Manski, C. F. (2000). Nonparametric analysis of randomized
       experiments with missing covariate and outcome data. JASA, 95, 77-84.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 5 + ["c"] * 5,
    ...                    "job": [1, 1, 0, None, None, 1, 0, 0, 0, None]})
    >>> missing_outcome_bounds(df, "job", "arm", "t", "c")[["estimate", "lower", "upper"]]
       estimate  lower  upper
    0  0.416667    0.0    0.6
    """
    _, t, y = _arms(data, outcome, group, treatment, control)
    miss = np.isnan(y)
    n_t, n_c = int(t.sum()), int((~t).sum())
    if (t & ~miss).sum() == 0 or (~t & ~miss).sum() == 0:
        raise EstimationError("no_data", "an arm has no one with a known outcome")
    k_t, k_c = np.nansum(y[t]), np.nansum(y[~t])
    m_t, m_c = int((t & miss).sum()), int((~t & miss).sum())
    cc = k_t / (n_t - m_t) - k_c / (n_c - m_c)
    return pd.DataFrame([{
        "estimate": float(cc),
        "lower": float(k_t / n_t - (k_c + m_c) / n_c),
        "upper": float((k_t + m_t) / n_t - k_c / n_c),
        "missing_treatment": m_t, "missing_control": m_c,
        "n_treatment": n_t, "n_control": n_c,
    }])


def _design(frame: pd.DataFrame, covariates: Sequence[str]) -> np.ndarray:
    parts = [np.ones((len(frame), 1))]
    for col in covariates:
        if frame[col].dtype.kind in "biuf":
            v = frame[[col]].to_numpy(float)
            parts.append((v - v.mean()) / (v.std() or 1.0))
        else:
            parts.append(pd.get_dummies(frame[col].astype(str), drop_first=True)
                         .to_numpy(float))
    x = np.column_stack(parts)
    return x[:, np.r_[True, x[:, 1:].std(axis=0) > 0]]


def _imputation_draws(x_obs, y_obs, x_mis, rng, m):
    """Per imputation: the imputed probabilities of the missing rows (mice ``logreg``: β*
    drawn from the normal approximation of its posterior) and uniform numbers to draw them."""
    if len(x_mis) == 0:
        return np.zeros((m, 0)), np.zeros((m, 0))
    if y_obs.min() == y_obs.max():  # no variation: the observed value is imputed (as mice)
        p = np.full((m, len(x_mis)), float(y_obs[0]))
        return p, rng.random((m, len(x_mis)))
    # Newton-Raphson with a small ridge (mice augments the data for the same reason), which
    # keeps the coefficients of sparse levels finite
    ridge = _RIDGE * len(y_obs) * np.eye(x_obs.shape[1])
    ridge[0, 0] = 0.0
    beta = np.zeros(x_obs.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-(x_obs @ beta)))
        info = x_obs.T @ ((mu * (1 - mu))[:, None] * x_obs) + ridge
        step = np.linalg.solve(info, x_obs.T @ (y_obs - mu) - ridge @ beta)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = 1 / (1 + np.exp(-(x_obs @ beta)))
    info = x_obs.T @ ((mu * (1 - mu))[:, None] * x_obs) + ridge
    cov = np.linalg.inv(info)
    chol = np.linalg.cholesky((cov + cov.T) / 2)
    draws = beta + rng.standard_normal((m, len(beta))) @ chol.T
    p = 1 / (1 + np.exp(-(draws @ x_mis.T)))
    return p, rng.random((m, len(x_mis)))


def _pooled_rd(y, t, imputed_t, imputed_c, miss, alpha):
    """Risk difference per completed data set (Wald variance), pooled by Rubin's rules with
    Barnard and Rubin's degrees of freedom, the complete-data df those of the two-sample
    comparison, n_t + n_c − 2 (``imputed_*``: imputations × missing rows of the arm)."""
    n_t, n_c = int(t.sum()), int((~t).sum())
    p_t = (np.sum(y[t & ~miss]) + imputed_t.sum(axis=1)) / n_t
    p_c = (np.sum(y[~t & ~miss]) + imputed_c.sum(axis=1)) / n_c
    se = np.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    return rubin_pool(pd.DataFrame({"estimate": p_t - p_c, "se": se}), alpha=alpha,
                      df_complete=float(max(n_t + n_c - 2, 1))).iloc[0]


class _Imputer:
    """The imputation model of both arms, fitted once; ``pooled(delta)`` completes and pools."""

    def __init__(self, data, outcome, group, treatment, control, covariates, m, seed, alpha):
        covariates = as_name_list(covariates, "covariates")
        require_columns(data, covariates)
        frame, t, y = _arms(data, outcome, group, treatment, control)
        keep = frame[covariates].notna().all(axis=1).to_numpy()
        frame, t, y = frame[keep], t[keep], y[keep]
        miss = np.isnan(y)
        if (t & ~miss).sum() < 2 or (~t & ~miss).sum() < 2:
            raise EstimationError("too_few", "an arm has fewer than two known outcomes")
        x = _design(frame, covariates)
        rng = np.random.default_rng(seed)
        self.p, self.u = {}, {}
        for arm, mask in (("t", t), ("c", ~t)):
            self.p[arm], self.u[arm] = _imputation_draws(
                x[mask & ~miss], y[mask & ~miss], x[mask & miss], rng, m)
        self.t, self.y, self.miss, self.alpha = t, y, miss, alpha

    def pooled(self, delta: float = 0.0) -> pd.Series:
        imp_t = (self.u["t"] < np.clip(self.p["t"] - delta, 0, 1)).astype(float)
        imp_c = (self.u["c"] < self.p["c"]).astype(float)
        return _pooled_rd(self.y, self.t, imp_t, imp_c, self.miss, self.alpha)


def mi_risk_difference(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str],
    m: int = 20,
    seed: int | None = None,
    delta: float = 0.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Risk difference with missing outcomes multiply imputed (MAR given covariates, or
    δ-adjusted).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per randomised person, the missing ones included (outcome NaN).
    outcome : str
        Column coded 0/1, NaN when missing.
    group, treatment, control
        The arms (treatment minus control).
    covariates : str or sequence of str
        Complete baseline covariates of the imputation model (numeric standardised, others as
        dummies); rows missing one are left out.
    m : int
        Number of imputations.
    seed : int, optional
        Seed: the same seed gives the same imputations.
    delta : float
        Shift of the imputed probability of a first job of the missing treated participants
        (0: MAR; 0.1: ten percentage points lower than MAR predicts).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``df``, ``riv``,
        ``fmi``, ``m`` (:func:`~pku_eval.stats.imputation.rubin_pool`) and ``delta``.

    Notes
    -----
    Within each arm, a logistic regression of the outcome on the covariates among those with
    an outcome; per imputation a coefficient vector is drawn from the normal approximation of
    its posterior and each missing outcome from Bernoulli(expit(xβ*) − δ) (van Buuren 2018,
    section 3.4, ``mice.impute.logreg``; δ as in the pattern-mixture sensitivity analyses of
    Ratitch, O'Kelly & Tosiello 2013). Each completed data set gives the difference of shares
    with its Wald variance; Rubin's rules pool them, with Barnard and Rubin's (1999) degrees of
    freedom (complete-data df :math:`n_t + n_c - 2`, as ``mice::pool()`` is given ``dfcom``).

    References
    ----------
    .. [1] van Buuren, S. (2018). Flexible Imputation of Missing Data, 2nd ed. CRC Press.
    .. [2] Ratitch, B., O'Kelly, M., & Tosiello, R. (2013). Missing data in clinical trials:
       from clinical assumptions to statistical analysis using pattern mixture models.
       Pharmaceutical Statistics, 12, 337-347.
    """
    alpha = require_alpha(alpha)
    if not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"m must be a whole number of at least 2, got {m!r}")
    if not 0 <= delta <= 1:
        raise ValueError(f"delta must lie between 0 and 1, got {delta!r}")
    imp = _Imputer(data, outcome, group, treatment, control, covariates, m, seed, alpha)
    return pd.DataFrame([{**imp.pooled(delta).to_dict(), "delta": float(delta)}])


def tipping_point(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str],
    m: int = 20,
    seed: int | None = None,
    step: float = 0.01,
    alpha: float = 0.05,
) -> tuple[float | None, pd.DataFrame]:
    """How much lower the missing treated participants' chance of a job would have to be for
    the interval of the risk difference to reach 0.

    Parameters
    ----------
    data, outcome, group, treatment, control, covariates, m, seed, alpha
        As in :func:`mi_risk_difference`.
    step : float
        Grid step of δ from 0 to 1.

    Returns
    -------
    (float or None, pandas.DataFrame)
        The tipping point: the smallest δ on the grid whose interval contains 0 (``None`` when
        the MAR interval already contains 0, or when no δ ≤ 1 makes it); and the table of δ
        with the pooled ``estimate``, ``ci_low``, ``ci_high`` (the same imputation draws for
        every δ, so the curve is monotone).

    References
    ----------
    .. [1] Ratitch, B., O'Kelly, M., & Tosiello, R. (2013). Pharmaceutical Statistics, 12,
       337-347.
    """
    alpha = require_alpha(alpha)
    if not 0 < step <= 0.5:
        raise ValueError(f"step must lie in (0, 0.5], got {step!r}")
    imp = _Imputer(data, outcome, group, treatment, control, covariates, m, seed, alpha)
    grid = np.round(np.arange(0, 1 + step / 2, step), 10)
    rows = []
    for d in grid:
        r = imp.pooled(float(d))
        rows.append({"delta": float(d), "estimate": r["estimate"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"]})
    table = pd.DataFrame(rows)
    mar = table.iloc[0]
    if mar["ci_low"] <= 0 <= mar["ci_high"]:
        return None, table
    crossing = table[(table["ci_low"] <= 0) & (table["ci_high"] >= 0)]
    return (float(crossing["delta"].iloc[0]) if len(crossing) else None), table


def half_width_forecast(
    p_treatment: float, p_control: float, n_treatment: float, n_control: float,
    alpha: float = 0.05,
) -> float:
    """Half-width of the Wald interval of a difference of two proportions at given sizes.

    :math:`z_{1-\\alpha/2}\\sqrt{p_t(1-p_t)/n_t + p_c(1-p_c)/n_c}`; with the shares of the
    current data and the numbers expected at the final analysis it forecasts the precision of
    the final report (Machin, Campbell, Tan & Tan 2009, Sample Size Tables for Clinical
    Studies, 3rd ed., chapter 3).

    Examples
    --------
    >>> round(half_width_forecast(0.4, 0.3, 100, 100), 4)
    0.1315
    """
    alpha = require_alpha(alpha)
    for name, v in (("p_treatment", p_treatment), ("p_control", p_control)):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must lie between 0 and 1, got {v!r}")
    if n_treatment <= 0 or n_control <= 0:
        raise EstimationError("too_few", "the sizes must be positive")
    var = p_treatment * (1 - p_treatment) / n_treatment + p_control * (1 - p_control) / n_control
    return float(stats.norm.ppf(1 - alpha / 2) * np.sqrt(var))


def n_for_half_width(
    p_treatment: float, p_control: float, half_width: float, ratio: float = 1.0,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Sizes at which the Wald interval of a difference of two proportions has a given
    half-width: :func:`half_width_forecast` solved for the sizes.

    Parameters
    ----------
    p_treatment, p_control : float
        The expected shares (e.g. those of the current data).
    half_width : float
        The half-width asked for (a proportion, e.g. 0.05 for ±5 percentage points).
    ratio : float
        Allocation ratio :math:`n_c / n_t` (e.g. the current one).
    alpha : float
        Significance level (0.05: a 95% interval).

    Returns
    -------
    tuple of float
        :math:`(n_t, n_c)` with :math:`n_t = z^2\\{p_t(1-p_t) + p_c(1-p_c)/r\\}/d^2` and
        :math:`n_c = r\\,n_t`, unrounded (round up for planning): the precision-based sample
        size for a difference of proportions (Machin, Campbell, Tan & Tan 2009, Sample Size
        Tables for Clinical Studies, 3rd ed.; Lwanga & Lemeshow 1991, WHO).

    Examples
    --------
    >>> [round(n, 1) for n in n_for_half_width(0.4, 0.3, 0.1315, 1.0)]
    [100.0, 100.0]
    """
    alpha = require_alpha(alpha)
    for name, v in (("p_treatment", p_treatment), ("p_control", p_control)):
        if not 0 <= v <= 1:
            raise ValueError(f"{name} must lie between 0 and 1, got {v!r}")
    if not 0 < half_width < 1:
        raise ValueError(f"half_width must lie in (0, 1) (a proportion), got {half_width!r}")
    if not ratio > 0:
        raise ValueError(f"ratio must be positive, got {ratio!r}")
    z = stats.norm.ppf(1 - alpha / 2)
    n_t = z**2 * (p_treatment * (1 - p_treatment) + p_control * (1 - p_control) / ratio) \
        / half_width**2
    return float(n_t), float(ratio * n_t)


def half_width_at_sizes(
    half_width: float, n_treatment: float, n_control: float, n_treatment_then: float,
    n_control_then: float,
) -> float:
    """The half-width an interval of a difference between two groups will have at other
    sizes, the spread of the outcome staying the same.

    The standard error of a difference of two means (or of a model's difference that behaves
    like one) is :math:`\\sigma\\sqrt{1/n_t + 1/n_c}`, so at sizes :math:`n_t', n_c'` the
    half-width becomes

    .. math::

        d' = d \\sqrt{\\frac{1/n_t' + 1/n_c'}{1/n_t + 1/n_c}}

    (the normal or large-t reference unchanged): the precision forecast of a scale effect
    from its interval now (Machin, Campbell, Tan & Tan 2009, Sample Size Tables for Clinical
    Studies, 3rd ed., chapter 3).

    Examples
    --------
    >>> round(half_width_at_sizes(0.30, 50, 50, 200, 200), 3)
    0.15
    """
    sizes = (n_treatment, n_control, n_treatment_then, n_control_then)
    if not half_width > 0:
        raise ValueError(f"half_width must be positive, got {half_width!r}")
    if min(sizes) <= 0:
        raise EstimationError("too_few", "the sizes must be positive")
    now = 1 / n_treatment + 1 / n_control
    then = 1 / n_treatment_then + 1 / n_control_then
    return float(half_width * np.sqrt(then / now))
