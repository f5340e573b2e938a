"""Missing-data diagnostics: Little's test that values are missing completely at random."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import as_name_list, require_columns, require_frame, require_numeric
from .errors import EstimationError

__all__ = ["em_normal", "little_mcar"]

_SINGULAR = (
    "the estimated covariance matrix is singular (a column is constant or a linear function "
    "of others); drop that column"
)


def em_normal(
    values: np.ndarray, tol: float = 1e-10, max_iter: int = 10_000
) -> tuple[np.ndarray, np.ndarray, int]:
    """Maximum-likelihood mean and covariance of incomplete multivariate normal data (EM).

    Parameters
    ----------
    values : numpy.ndarray
        :math:`n \\times p` array with ``NaN`` for missing values; every row must have at least
        one observed value.
    tol : float
        Convergence criterion: largest absolute change of any mean or covariance element
        between iterations, relative to the largest variance.
    max_iter : int
        Most iterations; a ``ValueError`` is raised when they are used up.

    Returns
    -------
    tuple
        ``(mean, covariance, iterations)``; the covariance has denominator :math:`n` (ML).

    Notes
    -----
    E-step: for each row, the conditional expectation of the missing values given the
    observed ones, :math:`\\mu_m + \\Sigma_{mo}\\Sigma_{oo}^{-1}(x_o - \\mu_o)`, and the
    conditional covariance :math:`\\Sigma_{mm} - \\Sigma_{mo}\\Sigma_{oo}^{-1}\\Sigma_{om}`
    added to the cross-products. M-step: mean and covariance of the completed sufficient
    statistics. Rows are processed per missingness pattern.

    References
    ----------
    .. [1] Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum likelihood from
       incomplete data via the EM algorithm. Journal of the Royal Statistical Society,
       Series B, 39, 1-38.
    .. [2] Little, R. J. A., & Rubin, D. B. (2019). Statistical Analysis with Missing Data
       (3rd ed.), section 11.2. Wiley.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 6.0], [4.0, 8.0]])
    >>> mean, cov, _ = em_normal(x)
    >>> np.round(mean, 3)
    array([2.5, 5. ])
    """
    values = np.asarray(values, dtype=float)
    n, p = values.shape
    missing = np.isnan(values)
    if missing.all(axis=1).any():
        raise ValueError("every row must have at least one observed value")
    patterns, pattern_of_row = np.unique(missing, axis=0, return_inverse=True)
    pattern_of_row = pattern_of_row.ravel()
    groups = [values[pattern_of_row == j] for j in range(len(patterns))]

    mean = np.nanmean(values, axis=0)
    covariance = np.diag(np.nanvar(values, axis=0))
    for iteration in range(1, max_iter + 1):
        sums = np.zeros(p)
        cross = np.zeros((p, p))
        for miss, rows in zip(patterns, groups, strict=True):
            obs = ~miss
            completed = rows.copy()
            if miss.any():
                s_oo = covariance[np.ix_(obs, obs)]
                s_mo = covariance[np.ix_(miss, obs)]
                try:
                    coef = np.linalg.solve(s_oo, s_mo.T).T
                except np.linalg.LinAlgError:
                    raise EstimationError("singular", _SINGULAR) from None
                completed[:, miss] = mean[miss] + (rows[:, obs] - mean[obs]) @ coef.T
                conditional = covariance[np.ix_(miss, miss)] - coef @ s_mo.T
                cross[np.ix_(miss, miss)] += len(rows) * conditional
            sums += completed.sum(axis=0)
            cross += completed.T @ completed
        new_mean = sums / n
        new_covariance = cross / n - np.outer(new_mean, new_mean)
        change = max(
            np.max(np.abs(new_mean - mean)), np.max(np.abs(new_covariance - covariance))
        )
        mean, covariance = new_mean, new_covariance
        if change <= tol * max(np.max(np.diag(covariance)), 1e-300):
            return mean, covariance, iteration
    raise EstimationError("not_converged", f"EM did not converge in {max_iter} iterations")


def little_mcar(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Little's (1988) chi-square test that data are missing completely at random.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (person, answer).
    columns : sequence of str
        Numeric columns to test (at least one). Rows with all of them missing are left out.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``statistic``: Little's :math:`d^2`.
        - ``df``: degrees of freedom, :math:`\\sum_j p_j - p`.
        - ``p_value``: upper tail of :math:`\\chi^2_{df}`. A small p is evidence against MCAR
          (a large p does not show MCAR).
        - ``n_patterns``: number of distinct missingness patterns.
        - ``n``: rows used; ``n_complete``: rows with no missing value.

    Notes
    -----
    With the ML mean :math:`\\hat\\mu` and covariance :math:`\\hat\\Sigma` of all rows from the
    EM algorithm (:func:`em_normal`), and for each missingness pattern :math:`j` its
    :math:`n_j` rows, observed variables :math:`o_j` (:math:`p_j` of them) and their observed
    mean :math:`\\bar y_j`,

    .. math::

        d^2 = \\sum_j n_j (\\bar y_j - \\hat\\mu_{o_j})^\\top
              \\hat\\Sigma_{o_j o_j}^{-1} (\\bar y_j - \\hat\\mu_{o_j}),

    referred to :math:`\\chi^2` with :math:`\\sum_j p_j - p` degrees of freedom. This is the
    statistic of R's ``naniar::mcar_test`` and ``BaylorEdPsych::LittleMCAR``.

    References
    ----------
    .. [1] Little, R. J. A. (1988). A test of missing completely at random for multivariate data
       with missing values. Journal of the American Statistical Association, 83, 1198-1202.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    ...                    "b": [2.1, None, 2.9, 4.2, None, 6.1, 7.2, 7.9]})
    >>> little_mcar(df, ["a", "b"]).round(3)
       statistic  df  p_value  n_patterns  n  n_complete
    0      0.508   1    0.476           2  8           6
    """
    require_frame(data)
    column_list = as_name_list(columns, "columns")
    if not column_list:
        raise ValueError("columns must name at least one column")
    require_columns(data, column_list)
    for column in column_list:
        require_numeric(data, column)
    values = data[column_list].to_numpy(dtype=float)
    values = values[~np.isnan(values).all(axis=1)]
    empty = [c for c, v in zip(column_list, np.isnan(values).all(axis=0), strict=True) if v]
    if len(values) == 0 or empty:
        raise EstimationError(
            "no_data", f"column(s) {empty or column_list} have no observed value")
    n, p = values.shape
    if n <= p:
        raise EstimationError(
            "too_few", f"{n} rows are too few to estimate a covariance of {p} columns")
    mean, covariance, _ = em_normal(values)
    if np.linalg.eigvalsh(covariance)[0] <= 1e-12 * np.max(np.diag(covariance)):
        raise EstimationError("singular", _SINGULAR)
    missing = np.isnan(values)
    patterns, pattern_of_row = np.unique(missing, axis=0, return_inverse=True)
    pattern_of_row = pattern_of_row.ravel()
    statistic = 0.0
    df = -p
    for j, miss in enumerate(patterns):
        obs = ~miss
        rows = values[pattern_of_row == j][:, obs]
        difference = rows.mean(axis=0) - mean[obs]
        statistic += len(rows) * difference @ np.linalg.solve(
            covariance[np.ix_(obs, obs)], difference
        )
        df += int(obs.sum())
    row = {
        "statistic": float(statistic),
        "df": int(df),
        "p_value": float(stats.chi2.sf(statistic, df)) if df > 0 else np.nan,
        "n_patterns": len(patterns),
        "n": int(n),
        "n_complete": int((~missing.any(axis=1)).sum()),
    }
    return pd.DataFrame([row])
