"""Inverse probability weighting for an observational comparison, and covariate balance.

The external control group of KLAR was not randomised: an estimate that compares it with the
trial arms rests on the assumption that the measured baseline covariates explain who is where
(no unmeasured confounding). :func:`propensity_weights` estimates the propensity score by
logistic regression and turns it into weights, :func:`balance_table` shows how far the groups
differ before and after weighting (cobalt's conventions), and :func:`ipw_difference` gives the
weighted difference in means (a risk difference for a 0/1 outcome) with the robust variance of
R's ``survey::svyglm``.
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
    require_columns,
    require_frame,
    require_levels,
    require_numeric,
)
from .errors import EstimationError

__all__ = ["balance_table", "ipw_difference", "propensity_weights"]

ESTIMANDS = ("ATE", "ATT")


def _covariate_matrix(data: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Numeric covariates as they are; others one 0/1 column per level (``name_level``)."""
    parts = []
    for col in covariates:
        if data[col].dtype.kind in "biuf":
            parts.append(data[[col]].astype(float))
        else:
            parts.append(pd.get_dummies(data[col].astype(str), prefix=col,
                                        prefix_sep="_").astype(float))
    return pd.concat(parts, axis=1)


def _checked(data, group, treatment, control, covariates):
    data = require_frame(data)
    covariates = as_name_list(covariates, "covariates")
    if not covariates:
        raise ValueError("covariates must name at least one column")
    require_columns(data, [group, *covariates])
    check_no_overlap({"group": [group], "covariates": covariates})
    require_levels(data, group, [treatment, control], "treatment and control")
    frame = data[data[group].isin([treatment, control])].dropna(subset=covariates)
    return frame, covariates


def propensity_weights(
    data: pd.DataFrame,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str],
    estimand: str = "ATE",
) -> pd.DataFrame:
    """Propensity scores (logistic regression) and inverse probability weights.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    group : str
        Column with the group; rows of other levels are left out.
    treatment, control : object
        The two levels compared.
    covariates : str or sequence of str
        Baseline covariates (numeric linearly, others as treatment-coded dummies); rows with a
        missing covariate are left out.
    estimand : {"ATE", "ATT"}
        ATE: weights 1/e for the treated and 1/(1 − e) for the controls; ATT: 1 for the treated
        and e/(1 − e) for the controls (WeightIt's ``method = "glm"``).

    Returns
    -------
    pandas.DataFrame
        Indexed like the rows used: ``treated`` (0/1), ``ps`` (the propensity score) and
        ``weight``.

    References
    ----------
    .. [1] Austin, P. C., & Stuart, E. A. (2015). Moving towards best practice when using
       inverse probability of treatment weighting (IPTW) using the propensity score to estimate
       causal treatment effects in observational studies. Statistics in Medicine, 34,
       3661-3679.
    """
    import statsmodels.api as sm

    if estimand not in ESTIMANDS:
        raise ValueError(f"estimand must be one of {ESTIMANDS}, got {estimand!r}")
    frame, covariates = _checked(data, group, treatment, control, covariates)
    treated = (frame[group] == treatment).astype(float)
    x = _covariate_matrix(frame, covariates)
    # treatment coding: the first level of each categorical is the reference
    keep, seen = [], set()
    for col in covariates:
        cols = [c for c in x.columns if c == col or c.startswith(f"{col}_")]
        keep += cols if frame[col].dtype.kind in "biuf" else cols[1:]
        seen.update(cols)
    x = x[keep]
    x = x.loc[:, x.nunique() > 1]
    design = sm.add_constant(x.to_numpy(), has_constant="add")
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise EstimationError("singular", "the propensity model's covariates are collinear")
    if treated.sum() == 0 or treated.sum() == len(treated):
        raise EstimationError("no_data", "a group has no one with complete covariates")
    try:
        with warnings.catch_warnings():  # separation is checked on the scores below
            warnings.simplefilter("ignore")
            fit = sm.GLM(treated.to_numpy(), design, family=sm.families.Binomial()).fit()
    except (np.linalg.LinAlgError, ValueError) as exc:  # perfect separation, overflow
        raise EstimationError("separation", f"the propensity model failed: {exc}") from exc
    ps = np.asarray(fit.fittedvalues, dtype=float)
    if np.any(ps <= 1e-10) or np.any(ps >= 1 - 1e-10):
        raise EstimationError("separation", "propensity scores of 0 or 1: the groups do not "
                                            "overlap on the covariates")
    t = treated.to_numpy()
    if estimand == "ATE":
        weight = t / ps + (1 - t) / (1 - ps)
    else:
        weight = t + (1 - t) * ps / (1 - ps)
    return pd.DataFrame({"treated": t.astype(int), "ps": ps, "weight": weight},
                        index=frame.index)


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * x) / np.sum(w))


def balance_table(
    data: pd.DataFrame,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str],
    weights: str | None = None,
    estimand: str = "ATE",
) -> pd.DataFrame:
    """Covariate balance before and after weighting (cobalt ``bal.tab`` conventions).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    group, treatment, control, covariates
        As in :func:`propensity_weights` (categoricals give one row per level).
    weights : str, optional
        Column of weights; without it only the unweighted differences are given.
    estimand : {"ATE", "ATT"}
        The standardising SD: pooled, :math:`\\sqrt{(s_t^2 + s_c^2)/2}` (ATE), or the treated
        group's (ATT), both unweighted, as cobalt.

    Returns
    -------
    pandas.DataFrame
        One row per covariate (level): ``covariate``, ``type`` (``binary``/``continuous``),
        ``mean_treatment``, ``mean_control``, ``diff_unadjusted``, ``diff_adjusted`` (NaN
        without weights): standardised mean differences for continuous covariates, raw
        differences in proportions for binary ones (cobalt's default); and, once per table,
        the effective sample sizes :math:`(\\sum w)^2/\\sum w^2` ``ess_treatment``,
        ``ess_control``.

    References
    ----------
    .. [1] Greifer, N. (2024). cobalt: Covariate Balance Tables and Plots. R package.
    .. [2] Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline
       covariates between treatment groups in propensity-score matched samples. Statistics in
       Medicine, 28, 3083-3107.
    """
    if estimand not in ESTIMANDS:
        raise ValueError(f"estimand must be one of {ESTIMANDS}, got {estimand!r}")
    frame, covariates = _checked(data, group, treatment, control, covariates)
    if weights is not None:
        require_columns(frame, [weights])
        require_numeric(frame, weights)
        frame = frame.dropna(subset=[weights])
        w = frame[weights].to_numpy(float)
    else:
        w = np.ones(len(frame))
    t = (frame[group] == treatment).to_numpy()
    x = _covariate_matrix(frame, covariates)
    rows = []
    for col in x.columns:
        v = x[col].to_numpy()
        binary = set(np.unique(v)) <= {0.0, 1.0}
        un = v[t].mean() - v[~t].mean()
        adj = _weighted_mean(v[t], w[t]) - _weighted_mean(v[~t], w[~t])
        if not binary:
            sd = (np.sqrt((v[t].var(ddof=1) + v[~t].var(ddof=1)) / 2) if estimand == "ATE"
                  else v[t].std(ddof=1))
            un, adj = (un / sd, adj / sd) if sd > 0 else (np.nan, np.nan)
        rows.append({"covariate": col, "type": "binary" if binary else "continuous",
                     "mean_treatment": _weighted_mean(v[t], w[t]),
                     "mean_control": _weighted_mean(v[~t], w[~t]),
                     "diff_unadjusted": float(un),
                     "diff_adjusted": float(adj) if weights is not None else np.nan})
    out = pd.DataFrame(rows)
    out["ess_treatment"] = w[t].sum() ** 2 / np.sum(w[t] ** 2)
    out["ess_control"] = w[~t].sum() ** 2 / np.sum(w[~t] ** 2)
    return out


def ipw_difference(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str],
    estimand: str = "ATE",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Inverse-probability-weighted difference in means (a risk difference for 0/1 outcomes).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Numeric outcome; rows without it are left out before the propensity model.
    group, treatment, control, covariates, estimand
        As in :func:`propensity_weights`.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (weighted mean treatment − weighted mean control), ``se``,
        ``ci_low``, ``ci_high``, ``p_value``, ``n_treatment``, ``n_control``,
        ``ess_treatment``, ``ess_control``, ``weight_min``, ``weight_max``.

    Notes
    -----
    The weighted least squares of ``outcome ~ treated`` with the linearisation
    (sandwich) variance of ``survey::svyglm(outcome ~ treated, svydesign(~1, weights = ~w))``:
    HC0 times :math:`n/(n-1)`, normal intervals (``confint``). It treats the weights as known,
    which for ATE weights is conservative (Austin & Stuart 2015).

    References
    ----------
    .. [1] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley.
    .. [2] Austin, P. C., & Stuart, E. A. (2015). Statistics in Medicine, 34, 3661-3679.
    """
    alpha = require_alpha(alpha)
    data = require_frame(data)
    require_columns(data, [outcome])
    require_numeric(data, outcome)
    data = data.dropna(subset=[outcome])
    pw = propensity_weights(data, group, treatment, control, covariates, estimand)
    y = data.loc[pw.index, outcome].to_numpy(float)
    t, w = pw["treated"].to_numpy(float), pw["weight"].to_numpy()
    z = np.column_stack([np.ones(len(y)), t])
    bread = np.linalg.inv(z.T @ (w[:, None] * z))
    beta = bread @ (z.T @ (w * y))
    scores = z * (w * (y - z @ beta))[:, None]
    n = len(y)
    cov = n / (n - 1) * bread @ (scores.T @ scores) @ bread
    est, se = float(beta[1]), float(np.sqrt(cov[1, 1]))
    crit = stats.norm.ppf(1 - alpha / 2)
    tt = t == 1
    return pd.DataFrame([{
        "estimate": est, "se": se, "ci_low": est - crit * se, "ci_high": est + crit * se,
        "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan,
        "n_treatment": int(tt.sum()), "n_control": int((~tt).sum()),
        "ess_treatment": float(w[tt].sum() ** 2 / np.sum(w[tt] ** 2)),
        "ess_control": float(w[~tt].sum() ** 2 / np.sum(w[~tt] ** 2)),
        "weight_min": float(w.min()), "weight_max": float(w.max()),
    }])
