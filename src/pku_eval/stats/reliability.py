"""Reliability of a sum score: Cronbach's alpha and McDonald's omega.

Both functions take wide item columns (one row per answer, one column per item), after any
reversed items have been recoded, and use listwise deletion: answers with a missing item are
left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._checks import as_name_list, require_alpha, require_columns, require_frame, require_numeric
from .errors import EstimationError

__all__ = ["cronbach_alpha", "mcdonald_omega", "one_factor_ml"]


def _complete_items(data: pd.DataFrame, items: str | Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Check the item columns; return the complete rows and the number of rows dropped."""
    require_frame(data)
    item_list = as_name_list(items, "items")
    if len(item_list) < 2:
        raise ValueError(f"a scale needs at least two items, got {item_list}")
    if len(set(item_list)) != len(item_list):
        raise ValueError(f"items are listed more than once: {item_list}")
    require_columns(data, item_list)
    for item in item_list:
        require_numeric(data, item)
    complete = data[item_list].dropna().astype(float)
    if len(complete) < 3:
        raise EstimationError(
            "too_few",
            f"only {len(complete)} answer(s) have all of the items {item_list}; need at least 3",
        )
    return complete, len(data) - len(complete)


def cronbach_alpha(
    data: pd.DataFrame, items: Sequence[str], alpha: float = 0.05
) -> pd.DataFrame:
    """Cronbach's alpha with Feldt's confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per answer, one column per item (reversed items already recoded).
    items : sequence of str
        The item columns of the scale (at least two).
    alpha : float
        Significance level of the interval; ``0.05`` gives 95%. (Not to be confused with the
        coefficient, which is returned as ``estimate``.)

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: Cronbach's alpha.
        - ``ci_low``, ``ci_high``: Feldt's interval.
        - ``n``: answers used (those with every item present, listwise deletion).
        - ``k``: number of items.
        - ``n_dropped``: answers left out because an item was missing.

    Notes
    -----
    With the item covariance matrix :math:`C` (denominator :math:`n - 1`),

    .. math::

        \\alpha = \\frac{k}{k - 1}\\left(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1^\\top C
        \\mathbf 1}\\right).

    Feldt's interval uses that :math:`(1 - \\alpha)/(1 - \\hat\\alpha)` follows an
    :math:`F(n - 1, (n - 1)(k - 1))` distribution:
    :math:`1 - (1 - \\hat\\alpha) F_{1 - a/2}` and :math:`1 - (1 - \\hat\\alpha) F_{a/2}`, with
    :math:`F_q` the :math:`q` quantile. This is the interval pingouin reports; here :math:`n`
    is the number of complete answers (pingouin uses the number of rows before listwise
    deletion).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       Psychometrika, 16, 297-334.
    .. [2] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
       coefficient alpha. Applied Psychological Measurement, 11, 93-103.
    .. [3] Vallat, R. (2018). Pingouin: statistics in Python. Journal of Open Source Software,
       3(31), 1026.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 2], "q2": [2, 2, 3, 5, 4, 1],
    ...                    "q3": [1, 3, 3, 4, 5, None]})
    >>> cronbach_alpha(df, ["q1", "q2", "q3"]).round(3)
       estimate  ci_low  ci_high  n  k  n_dropped
    0     0.945   0.723    0.994  5  3          1
    """
    alpha = require_alpha(alpha)
    complete, dropped = _complete_items(data, items)
    n, k = complete.shape
    covariance = np.cov(complete.to_numpy(), rowvar=False, ddof=1)
    total_variance = covariance.sum()
    if total_variance <= 0:
        raise EstimationError("no_variance", "the sum score has no variance; alpha is undefined")
    estimate = k / (k - 1) * (1 - np.trace(covariance) / total_variance)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci_low = 1 - (1 - estimate) * stats.f.isf(alpha / 2, df1, df2)
    ci_high = 1 - (1 - estimate) * stats.f.isf(1 - alpha / 2, df1, df2)
    row = {
        "estimate": float(estimate),
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "n": int(n),
        "k": int(k),
        "n_dropped": int(dropped),
    }
    return pd.DataFrame([row])


def _uniqueness_objective(psi: np.ndarray, correlation: np.ndarray) -> float:
    """ML discrepancy of the one-factor model, concentrated on the uniquenesses."""
    scale = 1 / np.sqrt(psi)
    eigenvalues = np.linalg.eigvalsh(correlation * np.outer(scale, scale))[::-1]
    rest = eigenvalues[1:]
    return float(-(np.sum(np.log(rest) - rest) - 1 + len(psi)))


def _loadings_given_psi(psi: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    scale = 1 / np.sqrt(psi)
    eigenvalues, eigenvectors = np.linalg.eigh(correlation * np.outer(scale, scale))
    first = eigenvectors[:, -1] * np.sqrt(max(eigenvalues[-1] - 1, 0.0))
    return np.sqrt(psi) * first


def _uniqueness_gradient(psi: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    loadings = _loadings_given_psi(psi, correlation)
    residual = np.outer(loadings, loadings) + np.diag(psi) - correlation
    return np.diag(residual) / psi**2


def one_factor_ml(correlation: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Maximum-likelihood one-factor model of a correlation matrix.

    Parameters
    ----------
    correlation : numpy.ndarray
        A :math:`k \\times k` correlation matrix (positive definite).

    Returns
    -------
    tuple
        ``(loadings, uniquenesses, converged)``: standardised loadings :math:`\\lambda` (sign
        chosen so that their sum is positive), uniquenesses :math:`\\psi` (at least 0.005;
        :math:`\\psi = 1 - \\lambda^2` at an interior optimum) and whether the optimiser
        converged.

    Notes
    -----
    The algorithm of R's ``factanal`` (Jöreskog 1967): for given uniquenesses :math:`\\Psi` the
    loadings are the first eigenvector of :math:`\\Psi^{-1/2} R \\Psi^{-1/2}`, scaled; the
    uniquenesses minimise the concentrated discrepancy
    :math:`\\sum_{j \\ge 2} (\\theta_j - \\log\\theta_j) - (k - 1)` over the remaining
    eigenvalues :math:`\\theta_j`, by L-BFGS-B within :math:`[0.005, 1]`.

    References
    ----------
    .. [1] Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
       Psychometrika, 32, 443-482.
    .. [2] Lawley, D. N., & Maxwell, A. E. (1971). Factor Analysis as a Statistical Method
       (2nd ed.). Butterworths.

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([0.8, 0.7, 0.6])
    >>> r = np.outer(lam, lam) + np.diag(1 - lam**2)
    >>> loadings, uniquenesses, converged = one_factor_ml(r)
    >>> np.round(loadings, 4)
    array([0.8, 0.7, 0.6])
    """
    correlation = np.asarray(correlation, dtype=float)
    k = correlation.shape[0]
    start = np.clip((1 - 0.5 / k) / np.diag(np.linalg.inv(correlation)), 0.005, 1)
    result = optimize.minimize(
        _uniqueness_objective,
        start,
        args=(correlation,),
        jac=_uniqueness_gradient,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * k,
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000},
    )
    psi = result.x
    loadings = _loadings_given_psi(psi, correlation)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, psi, bool(result.success)


def mcdonald_omega(
    data: pd.DataFrame, items: Sequence[str], standardized: bool = False
) -> pd.DataFrame:
    """McDonald's omega (total) from a one-factor model fitted by maximum likelihood.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per answer, one column per item (reversed items already recoded).
    items : sequence of str
        The item columns of the scale (at least three for an identified one-factor model).
    standardized : bool
        ``False`` (default): reliability of the sum of the raw items (loadings and
        uniquenesses on the covariance scale, as ``semTools::compRelSEM``). ``True``: of the
        sum of standardised items (as ``psych::omega``, which works on correlations).

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: omega total.
        - ``n``: answers used (listwise deletion); ``k``: number of items.
        - ``n_dropped``: answers left out because an item was missing.
        - ``converged``: whether the factor model's optimiser converged.

    Notes
    -----
    With loadings :math:`\\lambda_i` and uniquenesses :math:`\\psi_i` of the one-factor model
    :math:`\\Sigma = \\lambda\\lambda^\\top + \\operatorname{diag}(\\psi)`,

    .. math::

        \\omega = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\psi_i}.

    The model is fitted by maximum likelihood to the item correlations (:func:`one_factor_ml`);
    ML estimates are scale-equivariant, so the covariance-scale values are
    :math:`\\lambda_i s_i` and :math:`\\psi_i s_i^2` with item standard deviations
    :math:`s_i`. A loading of opposite sign (an item not reversed) lowers omega.

    References
    ----------
    .. [1] McDonald, R. P. (1999). Test Theory: A Unified Treatment. Erlbaum.
    .. [2] Revelle, W., & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb.
       Psychometrika, 74, 145-154.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5, 2, 3], "q2": [2, 2, 3, 5, 4, 1, 3],
    ...                    "q3": [1, 3, 3, 4, 5, 2, 2], "q4": [2, 1, 4, 4, 5, 1, 3]})
    >>> mcdonald_omega(df, ["q1", "q2", "q3", "q4"]).round(3)
       estimate  n  k  n_dropped  converged
    0     0.941  7  4          0       True
    """
    complete, dropped = _complete_items(data, items)
    n, k = complete.shape
    if k < 3:
        raise ValueError("a one-factor model needs at least three items to estimate omega")
    covariance = np.cov(complete.to_numpy(), rowvar=False, ddof=1)
    sd = np.sqrt(np.diag(covariance))
    if np.any(sd == 0):
        constant = [c for c, s in zip(complete.columns, sd, strict=True) if s == 0]
        raise EstimationError(
            "no_variance", f"item(s) {constant} have no variance among complete answers")
    correlation = covariance / np.outer(sd, sd)
    if np.linalg.eigvalsh(correlation)[0] <= 1e-10:
        raise EstimationError(
            "singular",
            "the item correlation matrix is singular (an item is a linear function of others, "
            "or fewer answers than items); omega cannot be estimated",
        )
    loadings, uniquenesses, converged = one_factor_ml(correlation)
    if not standardized:
        loadings = loadings * sd
        uniquenesses = uniquenesses * sd**2
    common = loadings.sum() ** 2
    row = {
        "estimate": float(common / (common + uniquenesses.sum())),
        "n": int(n),
        "k": int(k),
        "n_dropped": int(dropped),
        "converged": converged,
    }
    return pd.DataFrame([row])
