"""Multiple imputation: chained equations with Bayesian linear regression, and Rubin's rules.

A deliberately small MICE (the ``norm`` method of van Buuren's ``mice``) for a handful of
continuous columns, e.g. one scale score per wave in wide format, imputed from each other and
from complete covariates, optionally separately within groups (trial arms). The completed data
sets are analysed one by one and the results combined with :func:`rubin_pool`.
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
    require_numeric,
)
from .errors import EstimationError

__all__ = ["impute_chained", "rubin_pool"]

_RIDGE = 1e-5  # as mice's norm method: keeps X'X invertible with near-collinear predictors


def _draw_norm(rng: np.random.Generator, x_obs: np.ndarray, y_obs: np.ndarray,
               x_mis: np.ndarray) -> np.ndarray:
    """One draw of the missing values from the posterior predictive of a linear regression
    (van Buuren 2018, algorithm 3.1): sigma from a scaled inverse chi-square, beta from its
    normal posterior, then the value with residual noise."""
    n, q = x_obs.shape
    xtx = x_obs.T @ x_obs
    xtx += np.diag(np.maximum(np.diag(xtx), 1e-12) * _RIDGE)
    inverse = np.linalg.inv(xtx)
    beta_hat = inverse @ (x_obs.T @ y_obs)
    residual = y_obs - x_obs @ beta_hat
    dof = max(n - q, 1)
    sigma = np.sqrt(float(residual @ residual) / rng.chisquare(dof))
    chol = np.linalg.cholesky((inverse + inverse.T) / 2)
    beta = beta_hat + sigma * chol @ rng.standard_normal(q)
    return x_mis @ beta + sigma * rng.standard_normal(len(x_mis))


def impute_chained(
    data: pd.DataFrame,
    columns: Sequence[str],
    predictors: str | Sequence[str] | None = None,
    by: str | None = None,
    m: int = 5,
    n_iter: int = 10,
    seed: int | None = None,
) -> pd.DataFrame:
    """Multiple imputation by chained equations (Bayesian linear regression, ``norm``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (e.g. a participant, with one column per wave).
    columns : sequence of str
        Numeric columns to impute (each needs at least two observed values per group).
    predictors : str or sequence of str, optional
        Complete columns used as predictors only (numeric enter linearly, others as
        treatment-coded dummies).
    by : str, optional
        Impute separately within each level of this column (e.g. the trial arm), so that the
        imputation model allows every interaction with it.
    m : int
        Number of imputations (independent chains).
    n_iter : int
        Iterations of each chain.
    seed : int, optional
        Seed of the random generator: the same seed gives the same imputations.

    Returns
    -------
    pandas.DataFrame
        ``m`` completed copies of ``data`` stacked, with a first column ``imputation``
        (1 … m); observed values are unchanged, missing values of ``columns`` filled in.

    Notes
    -----
    Each chain starts from random draws of the observed values. In every iteration each
    incomplete column :math:`y_j` is regressed on the other columns (current values) and the
    predictors, over its observed rows; then :math:`\\sigma_*^2 = RSS/\\chi^2_{n-q}`,
    :math:`\\beta_* \\sim N(\\hat\\beta, \\sigma_*^2 (X^\\top X)^{-1})` and
    :math:`y_{j,mis} = X_{mis}\\beta_* + \\sigma_* \\varepsilon` (a proper imputation: the
    uncertainty of the regression is carried over). Valid when the data are missing at random
    given the columns and predictors (and ``by``).

    References
    ----------
    .. [1] van Buuren, S. (2018). Flexible Imputation of Missing Data (2nd ed.), section 3.2,
       algorithm 3.1, and chapter 4 (FCS). Chapman & Hall/CRC.
    .. [2] Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    ...                    "b": [1.1, np.nan, 3.2, 3.9, np.nan, 6.1]})
    >>> out = impute_chained(df, ["a", "b"], m=2, seed=1)
    >>> out.shape, int(out["b"].isna().sum()), out.loc[out["imputation"] == 1, "a"].tolist()
    ((12, 3), 0, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    """
    require_frame(data)
    column_list = as_name_list(columns, "columns")
    predictor_list = as_name_list(predictors, "predictors")
    by_list = as_name_list(by, "by")
    if not column_list:
        raise ValueError("columns must name at least one column to impute")
    require_columns(data, [*column_list, *predictor_list, *by_list])
    check_no_overlap({"columns": column_list, "predictors": predictor_list, "by": by_list})
    for column in column_list:
        require_numeric(data, column)
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be a positive integer, got {m!r}")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise ValueError(f"n_iter must be a positive integer, got {n_iter!r}")
    incomplete = [c for c in predictor_list if data[c].isna().any()]
    if incomplete:
        raise ValueError(f"predictor(s) {incomplete} have missing values; impute them too or "
                         "leave them out")
    design = [np.ones((len(data), 1))]
    for column in predictor_list:
        values = data[column]
        if values.dtype.kind in "biuf":
            design.append(values.to_numpy(float)[:, None])
        else:
            levels = sorted(values.astype(str).unique())
            design += [(values.astype(str) == lv).to_numpy(float)[:, None] for lv in levels[1:]]
    fixed = np.hstack(design)
    groups = (data[by_list[0]].to_numpy() if by_list else np.zeros(len(data)))
    values = data[column_list].to_numpy(float)
    missing = np.isnan(values)
    rng = np.random.default_rng(seed)
    out = np.repeat(values[None, :, :], m, axis=0)
    for level in pd.unique(groups):
        rows = np.flatnonzero(groups == level)
        y, miss, x_fixed = values[rows], missing[rows], fixed[rows]
        keep = x_fixed.std(axis=0) > 0
        keep[0] = True  # intercept; drop dummies constant within the group
        x_fixed = x_fixed[:, keep]
        for j, column in enumerate(column_list):
            if (~miss[:, j]).sum() < 2 and miss[:, j].any():
                raise EstimationError(
                    "too_few", f"column '{column}' has fewer than two observed values"
                    + (f" where {by_list[0]} is {level!r}" if by_list else ""))
        for k in range(m):
            current = y.copy()
            for j in range(len(column_list)):
                if miss[:, j].any():
                    observed = current[~miss[:, j], j]
                    current[miss[:, j], j] = rng.choice(observed, miss[:, j].sum())
            for _ in range(n_iter):
                for j in range(len(column_list)):
                    if not miss[:, j].any():
                        continue
                    others = np.delete(current, j, axis=1)
                    x = np.hstack([x_fixed, others])
                    obs = ~miss[:, j]
                    # a predictor constant among the observed rows (a level that only the
                    # missing rows have) is not identified: left out, as mice's remove.lindep
                    used = np.r_[True, x[obs, 1:].std(axis=0) > 0]
                    x = x[:, used]
                    try:
                        current[miss[:, j], j] = _draw_norm(rng, x[obs], current[obs, j],
                                                            x[~obs])
                    except np.linalg.LinAlgError as exc:
                        raise EstimationError(
                            "singular", f"the imputation model of '{column_list[j]}' is "
                            f"singular: {exc}") from exc
            out[k, rows] = current
    frames = []
    for k in range(m):
        completed = data.copy()
        completed[column_list] = out[k]
        completed.insert(0, "imputation", k + 1)
        frames.append(completed)
    return pd.concat(frames, ignore_index=True)


def rubin_pool(
    data: pd.DataFrame,
    estimate: str = "estimate",
    se: str = "se",
    by: str | Sequence[str] | None = None,
    alpha: float = 0.05,
    df_complete: float = np.inf,
) -> pd.DataFrame:
    """Combine the results of analyses of multiply imputed data by Rubin's rules.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per imputation (and group): the estimate and its standard error.
    estimate, se : str
        Columns with the complete-data estimate :math:`\\hat Q_l` and its standard error
        :math:`\\sqrt{U_l}`.
    by : str or sequence of str, optional
        Pool separately within groups (e.g. per wave).
    alpha : float
        Significance level; ``0.05`` gives 95% intervals.
    df_complete : float
        Degrees of freedom of the complete-data analysis; ``inf`` (default) for Wald/normal
        inference, a finite value applies Barnard and Rubin's small-sample adjustment.

    Returns
    -------
    pandas.DataFrame
        One row per group with the grouping columns followed by

        - ``estimate``: :math:`\\bar Q`, the mean of the estimates.
        - ``se``: :math:`\\sqrt T`, :math:`T = \\bar U + (1 + 1/m) B`.
        - ``ci_low``, ``ci_high``: :math:`\\bar Q \\mp t_{\\nu, 1-\\alpha/2}\\sqrt T`.
        - ``p_value``: two-sided, :math:`\\bar Q/\\sqrt T` against :math:`t_\\nu`.
        - ``df``: :math:`\\nu` (``inf`` when the imputations agree exactly).
        - ``riv``: relative increase in variance :math:`r = (1 + 1/m)B/\\bar U`.
        - ``fmi``: fraction of missing information :math:`(r + 2/(\\nu + 3))/(r + 1)`.
        - ``m``: number of imputations.

    Notes
    -----
    :math:`\\bar U` is the mean of the squared standard errors and :math:`B` the variance of
    the estimates (denominator :math:`m - 1`). Rubin's degrees of freedom are
    :math:`\\nu_m = (m - 1)(1 + 1/r)^2`; with finite complete-data degrees of freedom
    :math:`\\nu_c`, Barnard and Rubin's :math:`\\nu = (1/\\nu_m + 1/\\hat\\nu_{obs})^{-1}` with
    :math:`\\hat\\nu_{obs} = (1 - \\gamma)\\nu_c(\\nu_c + 1)/(\\nu_c + 3)`,
    :math:`\\gamma = (1 + 1/m)B/T`.

    References
    ----------
    .. [1] Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys, section 3.1.
       Wiley.
    .. [2] Barnard, J., & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
       imputation. Biometrika, 86, 948-955.
    .. [3] SAS Institute. SAS/STAT User's Guide, The MIANALYZE procedure, "Combining
       inferences from imputed data sets".

    Examples
    --------
    >>> import pandas as pd
    >>> res = pd.DataFrame({"estimate": [1.0, 1.2, 0.9, 1.1, 0.8],
    ...                     "se": [0.2, 0.2, 0.2, 0.2, 0.2]})
    >>> rubin_pool(res)[["estimate", "se", "df", "riv"]].round(4)
       estimate      se       df   riv
    0       1.0  0.2646  21.7778  0.75
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    by_list = as_name_list(by, "by")
    require_columns(data, [estimate, se, *by_list])
    check_no_overlap({"estimate": [estimate], "se": [se], "by": by_list})
    require_numeric(data, estimate)
    require_numeric(data, se)
    if not df_complete > 0:
        raise ValueError(f"df_complete must be positive (inf for Wald inference), got "
                         f"{df_complete}")

    # all groups at once (a chapter pools hundreds of groups: per group, the t distribution's
    # calls cost more than the arithmetic)
    q_all = data[estimate].to_numpy(float)
    u_all = data[se].to_numpy(float) ** 2
    if by_list:
        group = data.groupby(by_list, sort=True, observed=True).ngroup().to_numpy(float)
        kept = ~np.isnan(group)  # rows whose key is missing belong to no group
        codes = group[kept].astype(np.intp)
        _, first = np.unique(codes, return_index=True)
        keys = list(data.loc[kept, by_list].iloc[first].itertuples(index=False, name=None))
        order = np.argsort(codes, kind="stable")
        ends = np.cumsum(np.bincount(codes, minlength=len(keys)))[:-1]
        qs = np.split(q_all[kept][order], ends)
        us = np.split(u_all[kept][order], ends)
    else:
        keys, qs, us = [()], [q_all], [u_all]
    for q, u in zip(qs, us, strict=True):  # in the groups' order: the first problem is named
        if len(q) < 2:
            raise ValueError("Rubin's rules need at least two imputations")
        if np.isnan(q).any() or np.isnan(u).any():
            raise EstimationError(
                "not_estimable", "an imputation has a missing estimate or standard error")
    m = np.array([len(q) for q in qs], dtype=float)
    q_bar = np.array([q.mean() for q in qs])
    u_bar = np.array([u.mean() for u in us])
    b = np.array([q.var(ddof=1) for q in qs])
    total = u_bar + (1 + 1 / m) * b
    with np.errstate(divide="ignore", invalid="ignore"):
        riv = np.where(u_bar > 0, (1 + 1 / m) * b / u_bar, np.inf)
        df = np.where(b == 0, np.inf, (m - 1) * (1 + 1 / riv) ** 2)
        if np.isfinite(df_complete):
            gamma = (1 + 1 / m) * b / total
            df_obs = (1 - gamma) * df_complete * (df_complete + 1) / (df_complete + 3)
            df = np.where(np.isfinite(df), 1 / (1 / df + 1 / df_obs), df_obs)
    finite = np.isfinite(df)
    t_df = np.where(finite, df, 1.0)  # placeholder where the normal is used
    quantile = np.where(finite, stats.t.isf(alpha / 2, t_df), stats.norm.isf(alpha / 2))
    se_total = np.sqrt(total)
    z = np.abs(q_bar / se_total)
    p = 2 * np.where(finite, stats.t.sf(z, t_df), stats.norm.sf(z))
    with np.errstate(divide="ignore", invalid="ignore"):
        fmi = np.where(finite, (riv + 2 / (df + 3)) / (riv + 1), riv / (riv + 1))
    rows = []
    for i, key in enumerate(keys):
        rows.append({**dict(zip(by_list, key, strict=True)),
                     "estimate": float(q_bar[i]), "se": float(se_total[i]),
                     "ci_low": float(q_bar[i] - quantile[i] * se_total[i]),
                     "ci_high": float(q_bar[i] + quantile[i] * se_total[i]),
                     "p_value": float(p[i]), "df": float(df[i]), "riv": float(riv[i]),
                     "fmi": float(fmi[i]), "m": int(m[i])})
    return pd.DataFrame(rows)
