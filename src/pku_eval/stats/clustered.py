"""Cluster-robust (sandwich) variances and the partially nested design.

In the KLAR trial the SE participants are followed by job coaches (10-13 each), the controls by
no one in particular: the design is *partially nested* (Roberts & Roberts 2005; Bauer, Sterba &
Hallfors 2008). Outcomes of participants who share a coach may be correlated, so intervals that
treat everyone as independent can be too narrow. Two sensitivity analyses:

- :func:`cluster_robust_ols` / :func:`risk_difference_clustered`: least squares with the
  cluster-robust ("CR1") variance of Stata's ``vce(cluster)`` and R's ``sandwich::vcovCL``
  (type ``"HC1"``), a row without a cluster being its own cluster (an unclustered control);
- :func:`partially_nested_effect`: a linear mixed model with a random coach intercept in the
  treatment arm only (REML, closed form per coach; :func:`~pku_eval.stats.mixed_fast.
  reml_random_intercept` with its ``clustered`` rows).
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
    require_binary,
    require_columns,
    require_frame,
    require_levels,
    require_numeric,
)
from .errors import EstimationError

__all__ = ["cluster_robust_ols", "partially_nested_effect", "risk_difference_clustered"]


def _cluster_codes(values: pd.Series) -> np.ndarray:
    """Integer cluster codes; a missing cluster is a cluster of its own (one per row)."""
    codes = pd.factorize(values, sort=False)[0].astype(np.int64)
    alone = codes < 0
    start = codes.max() + 1 if len(codes) and codes.max() >= 0 else 0
    codes[alone] = start + np.arange(int(alone.sum()))
    return codes


def _design(data: pd.DataFrame, predictors: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Intercept plus the predictors: numeric ones as they are, others as treatment-coded
    dummies (first level left out)."""
    parts, names = [np.ones((len(data), 1))], ["Intercept"]
    for col in predictors:
        if data[col].dtype.kind in "biuf":
            parts.append(data[[col]].to_numpy(float))
            names.append(col)
        else:
            d = pd.get_dummies(data[col].astype(str), prefix=col, prefix_sep="_",
                               drop_first=True).astype(float)
            parts.append(d.to_numpy())
            names += list(d.columns)
    return np.column_stack(parts), names


def _cr1(x: np.ndarray, residual: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """CR1 sandwich: G/(G−1)·(N−1)/(N−K)·(X'X)⁻¹ Σ_g X_g'u_g u_g'X_g (X'X)⁻¹."""
    n, k = x.shape
    g = int(codes.max()) + 1
    bread = np.linalg.inv(x.T @ x)
    scores = np.column_stack([np.bincount(codes, weights=x[:, j] * residual, minlength=g)
                              for j in range(k)])
    meat = scores.T @ scores
    factor = g / (g - 1) * (n - 1) / (n - k)
    return factor * bread @ meat @ bread, g


def cluster_robust_ols(
    data: pd.DataFrame,
    outcome: str,
    predictors: str | Sequence[str],
    cluster: str | None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Least squares with a cluster-robust (CR1) variance.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Numeric outcome (a 0/1 outcome gives a linear probability model).
    predictors : str or sequence of str
        Predictors (numeric enter linearly, others as treatment-coded dummies); an intercept
        is added.
    cluster : str or None
        Column of the cluster of each row. A missing value makes the row a cluster of its own
        (an unclustered person of a partially nested design). ``None``: every row is its own
        cluster (the heteroskedasticity-robust HC1 variance).
    alpha : float
        Significance level; ``0.05`` gives 95% intervals.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value``, ``df`` (G − 1), ``n``, ``n_clusters``.

    Notes
    -----
    :math:`\\hat V = \\frac{G}{G-1}\\frac{N-1}{N-K}(X^\\top X)^{-1}\\left(\\sum_g X_g^\\top
    \\hat u_g \\hat u_g^\\top X_g\\right)(X^\\top X)^{-1}`, Stata's ``regress, vce(cluster)``
    and R's ``sandwich::vcovCL(fit, cluster, type = "HC1")``; intervals and p-values from
    the t distribution with G − 1 degrees of freedom, as Stata. Rows with a missing outcome or
    predictor are left out.

    References
    ----------
    .. [1] Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust
       inference. Journal of Human Resources, 50, 317-372.
    .. [2] Zeileis, A., Köll, S., & Graham, N. (2020). Various versatile variances: an
       object-oriented implementation of clustered covariances in R. Journal of Statistical
       Software, 95(1), 1-36.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 2.5, 4.0, 3.5, 6.0], "x": [0, 1, 2, 3, 4, 5],
    ...                    "g": ["a", "a", "b", "b", "c", "c"]})
    >>> cluster_robust_ols(df, "y", "x", "g")[["term", "estimate"]].round(3)
            term  estimate
    0  Intercept     0.952
    1          x     0.886
    """
    data = require_frame(data)
    alpha = require_alpha(alpha)
    predictors = as_name_list(predictors, "predictors")
    clusters = as_name_list(cluster, "cluster")
    require_columns(data, [outcome, *predictors, *clusters])
    check_no_overlap({"outcome": [outcome], "predictors": predictors, "cluster": clusters})
    require_numeric(data, outcome)
    frame = data.dropna(subset=[outcome, *predictors])
    x, names = _design(frame, predictors)
    y = frame[outcome].to_numpy(float)
    n, k = x.shape
    if n <= k:
        raise EstimationError("too_few", f"{n} complete rows are too few for {k} terms")
    if np.linalg.matrix_rank(x) < k:
        raise EstimationError("singular", "the design is rank deficient (a term is redundant "
                                          "or a group is empty)")
    codes = (_cluster_codes(frame[cluster]) if cluster is not None
             else np.arange(n, dtype=np.int64))
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    cov, g = _cr1(x, y - x @ beta, codes)
    if g < 2:
        raise EstimationError("too_few", "need at least two clusters")
    se = np.sqrt(np.diag(cov))
    crit = stats.t.ppf(1 - alpha / 2, g - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(beta / se), g - 1)
    return pd.DataFrame({"term": names, "estimate": beta, "se": se,
                         "ci_low": beta - crit * se, "ci_high": beta + crit * se,
                         "p_value": p, "df": g - 1, "n": n, "n_clusters": g})


def risk_difference_clustered(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    cluster: str,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference of two proportions with a cluster-robust interval (partially nested design).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 0/1; missing values are left out.
    group : str
        Column with the group of each person.
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    cluster : str
        Column of the cluster (e.g. the job coach); missing for the unclustered (each its own
        cluster).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (:math:`p_t - p_c`), ``se``, ``ci_low``, ``ci_high``,
        ``p_value`` (CR1, t with G − 1 df), ``se_independent``, ``ci_low_independent``,
        ``ci_high_independent`` (the same estimator with every person their own cluster, HC1),
        ``width_ratio`` (clustered / independent interval width), ``n_treatment``,
        ``n_control``, ``n_clusters``, ``n_clusters_treatment`` (clusters among the treated
        with at least two people: the coaches that make the design nested).

    Notes
    -----
    The linear probability model ``outcome ~ treated`` by least squares: its slope is the
    difference of the two shares, and :func:`cluster_robust_ols` gives its variance.

    References
    ----------
    .. [1] Roberts, C., & Roberts, S. A. (2005). Design and analysis of clinical trials with
       clustering effects due to treatment. Clinical Trials, 2, 152-162.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 6 + ["c"] * 4, "job": [1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
    ...                    "coach": ["a", "a", "a", "b", "b", "b", None, None, None, None]})
    >>> res = risk_difference_clustered(df, "job", "arm", "t", "c", cluster="coach")
    >>> round(float(res["estimate"].iloc[0]), 2)
    0.25
    """
    data = require_frame(data)
    require_columns(data, [outcome, group, cluster])
    require_levels(data, group, [treatment, control], "treatment and control")
    require_binary(data, outcome)
    frame = data[data[group].isin([treatment, control])].dropna(subset=[outcome])
    n_t = int((frame[group] == treatment).sum())
    n_c = int((frame[group] == control).sum())
    if n_t == 0 or n_c == 0:
        raise EstimationError("no_data", "a group has no one with a known outcome")
    frame = frame.assign(_treated=(frame[group] == treatment).astype(float))
    clustered = cluster_robust_ols(frame, outcome, "_treated", cluster, alpha).iloc[1]
    independent = cluster_robust_ols(frame, outcome, "_treated", None, alpha).iloc[1]
    sizes = frame.loc[frame["_treated"] == 1, cluster].value_counts()
    width = clustered["ci_high"] - clustered["ci_low"]
    width0 = independent["ci_high"] - independent["ci_low"]
    return pd.DataFrame([{
        "estimate": float(clustered["estimate"]), "se": float(clustered["se"]),
        "ci_low": float(clustered["ci_low"]), "ci_high": float(clustered["ci_high"]),
        "p_value": float(clustered["p_value"]),
        "se_independent": float(independent["se"]),
        "ci_low_independent": float(independent["ci_low"]),
        "ci_high_independent": float(independent["ci_high"]),
        "width_ratio": float(width / width0) if width0 > 0 else np.nan,
        "n_treatment": n_t, "n_control": n_c, "n_clusters": int(clustered["n_clusters"]),
        "n_clusters_treatment": int((sizes >= 2).sum()),
    }])


def partially_nested_effect(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    cluster: str,
    covariates: str | Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Treatment effect in a partially nested design: random cluster intercept in the treated
    arm only (REML).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (e.g. the score at one follow-up wave).
    outcome : str
        Numeric outcome.
    group : str
        Column with the arm.
    treatment, control : object
        The levels of ``group`` to compare.
    cluster : str
        The cluster of a treated person (the job coach); controls need none (ignored if
        given). A treated person with no cluster is a cluster of one.
    covariates : str or sequence of str, optional
        Fixed covariates (numeric linearly, others as dummies), e.g. baseline score, office.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (treatment − control), ``se``, ``ci_low``, ``ci_high``,
        ``p_value`` (Wald, normal reference, as the pinned mixed-model keys),
        ``se_independent``, ``ci_low_independent``, ``ci_high_independent`` (the same fixed
        effects by least squares, no cluster effect), ``width_ratio``, ``sd_cluster``,
        ``sd_residual``, ``icc`` (cluster variance share in the treated arm), ``n``,
        ``n_clusters``, ``converged``.

    Notes
    -----
    :math:`y_i = x_i^\\top\\beta + t_i u_{c(i)} + \\varepsilon_i`, :math:`u_c \\sim
    N(0, \\sigma_u^2)`, :math:`\\varepsilon_i \\sim N(0, \\sigma^2)`, with :math:`t_i = 1` in
    the treated arm: lme4's ``lmer(y ~ arm + covariates + (0 + treated | coach))`` with each
    control in a coach of their own (Bauer, Sterba & Hallfors 2008, eq. 3, with one residual
    variance). Fitted by :func:`~pku_eval.stats.mixed_fast.reml_random_intercept` with the
    control rows outside every cluster.

    References
    ----------
    .. [1] Bauer, D. J., Sterba, S. K., & Hallfors, D. D. (2008). Evaluating group-based
       interventions when control participants are ungrouped. Multivariate Behavioral
       Research, 43, 210-236.
    .. [2] Roberts, C., & Roberts, S. A. (2005). Clinical Trials, 2, 152-162.
    """
    from .mixed_fast import reml_random_intercept

    data = require_frame(data)
    alpha = require_alpha(alpha)
    covariates = as_name_list(covariates, "covariates")
    require_columns(data, [outcome, group, cluster, *covariates])
    check_no_overlap({"outcome": [outcome], "group": [group], "cluster": [cluster],
                      "covariates": covariates})
    require_numeric(data, outcome)
    require_levels(data, group, [treatment, control], "treatment and control")
    frame = data[data[group].isin([treatment, control])].dropna(subset=[outcome, *covariates])
    treated = (frame[group] == treatment).to_numpy()
    if treated.sum() == 0 or (~treated).sum() == 0:
        raise EstimationError("no_data", "a group has no one with a known outcome")
    frame = frame.assign(_treated=treated.astype(float))
    x, _ = _design(frame, ["_treated", *covariates])
    y = frame[outcome].to_numpy(float)
    codes = _cluster_codes(frame[cluster].where(treated))
    fit = reml_random_intercept(y, x, codes, clustered=treated)
    z = stats.norm.ppf(1 - alpha / 2)
    est, se = float(fit["beta"][1]), float(np.sqrt(fit["cov"][1, 1]))
    # the independent model's model-based variance (OLS), for a like-for-like width ratio
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    sigma2 = float(resid @ resid) / (len(y) - x.shape[1])
    se0 = float(np.sqrt(sigma2 * np.linalg.inv(x.T @ x)[1, 1]))
    su, s = fit["sd_intercept"], fit["sd_residual"]
    return pd.DataFrame([{
        "estimate": est, "se": se, "ci_low": est - z * se, "ci_high": est + z * se,
        "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan,
        "se_independent": se0, "ci_low_independent": float(beta[1] - z * se0),
        "ci_high_independent": float(beta[1] + z * se0),
        "width_ratio": se / se0 if se0 > 0 else np.nan,
        "sd_cluster": su, "sd_residual": s, "icc": su**2 / (su**2 + s**2),
        "n": len(y), "n_clusters": int(fit["n_groups"]), "converged": fit["converged"],
    }])
