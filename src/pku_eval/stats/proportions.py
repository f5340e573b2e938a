"""Comparing a binary outcome between two groups: difference, ratio and odds ratio of risks.

Every function takes one row per person (long format), a 0/1 outcome column and a group column,
and returns a one-row DataFrame. Rows whose outcome is missing are left out; rows of other groups
are ignored.
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
)
from .errors import EstimationError

__all__ = [
    "adjusted_odds_ratio",
    "odds_ratio",
    "risk_difference",
    "risk_ratio",
    "wilson_interval",
]


def wilson_interval(events: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for one proportion.

    Parameters
    ----------
    events : int
        Number of events (successes).
    n : int
        Number of trials; must be positive.
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    tuple of float
        ``(ci_low, ci_high)``.

    Notes
    -----
    With :math:`p = x/n` and :math:`z = \\Phi^{-1}(1 - \\alpha/2)` the limits are

    .. math::

        \\frac{p + z^2/(2n) \\pm z\\sqrt{p(1-p)/n + z^2/(4n^2)}}{1 + z^2/n}.

    This is method 3 of Newcombe (1998a) and the building block of the hybrid score interval for
    a difference (:func:`risk_difference`).

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. Journal of the American Statistical Association, 22, 209-212.
    .. [2] Newcombe, R. G. (1998a). Two-sided confidence intervals for the single proportion:
       comparison of seven methods. Statistics in Medicine, 17, 857-872.

    Examples
    --------
    >>> low, high = wilson_interval(56, 70)
    >>> print(f"{low:.4f} {high:.4f}")
    0.6918 0.8770
    """
    require_alpha(alpha)
    if n < 0:
        raise ValueError(f"n must be positive to estimate a proportion, got {n}")
    if n == 0:
        raise EstimationError("no_data", "n is 0: there is no proportion to estimate")
    if not 0 <= events <= n:
        raise ValueError(f"events must lie between 0 and n = {n}, got {events}")
    z = stats.norm.isf(alpha / 2)
    p = events / n
    centre = p + z**2 / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    denominator = 1 + z**2 / n
    return float((centre - half) / denominator), float((centre + half) / denominator)


def _two_group_counts(
    data: pd.DataFrame, outcome: str, group: str, treatment: object, control: object
) -> dict[str, float]:
    """Check the input and count persons and events in the two groups."""
    require_frame(data)
    require_columns(data, [outcome, group])
    require_binary(data, outcome)
    require_levels(data, group, [treatment, control], "treatment and control")
    counts: dict[str, float] = {}
    for label, level in (("treatment", treatment), ("control", control)):
        values = data.loc[data[group] == level, outcome].dropna()
        if len(values) == 0:
            raise EstimationError(
                "no_data",
                f"group '{level}' of column '{group}' has no non-missing value of '{outcome}'",
            )
        counts[f"n_{label}"] = len(values)
        counts[f"events_{label}"] = int(values.sum())
        counts[f"p_{label}"] = float(values.mean())
    return counts


def _log_scale_wald(log_estimate: float, se: float, alpha: float) -> dict[str, float]:
    """Wald interval and two-sided p on the log scale, back-transformed."""
    if not np.isfinite(log_estimate) or not np.isfinite(se) or se <= 0:
        return {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    z = stats.norm.isf(alpha / 2)
    return {
        "ci_low": float(np.exp(log_estimate - z * se)),
        "ci_high": float(np.exp(log_estimate + z * se)),
        "p_value": float(2 * stats.norm.sf(abs(log_estimate) / se)),
    }


def risk_difference(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference of two proportions with the Newcombe hybrid score interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 1 (event) or 0 (no event); missing values are left out.
    group : str
        Column with the group of each person.
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`p_t - p_c`, the difference of the two proportions.
        - ``ci_low``, ``ci_high``: Newcombe hybrid score interval (method 10).
        - ``statistic``: z of the two-proportion test with pooled standard error.
        - ``p_value``: two-sided p of that z-test (``NaN`` when both groups have only events
          or only non-events, where the test is undefined).
        - ``n_treatment``, ``events_treatment``, ``p_treatment``: persons, events and proportion
          in the treatment group; ``n_control``, ``events_control``, ``p_control`` likewise.

    Notes
    -----
    With Wilson limits :math:`(l_t, u_t)` and :math:`(l_c, u_c)` for the two proportions
    (:func:`wilson_interval`) and :math:`d = p_t - p_c`, the hybrid score interval is

    .. math::

        \\left(d - \\sqrt{(p_t - l_t)^2 + (u_c - p_c)^2},\\;
              d + \\sqrt{(u_t - p_t)^2 + (p_c - l_c)^2}\\right).

    The test statistic is :math:`z = d / \\sqrt{\\bar p (1 - \\bar p)(1/n_t + 1/n_c)}` with the
    pooled proportion :math:`\\bar p`; :math:`z^2` is Pearson's chi-square for the 2×2 table
    without continuity correction (R: ``prop.test(..., correct = FALSE)``).

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine, 17, 873-890.
    .. [2] Fagerland, M. W., Lydersen, S., & Laake, P. (2015). Recommended confidence intervals
       for two independent binomial proportions. Statistical Methods in Medical Research,
       24, 224-254.

    Examples
    --------
    Newcombe's (1998) first example, 56/70 against 48/80:

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "arm": ["t"] * 70 + ["c"] * 80,
    ...     "event": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32,
    ... })
    >>> res = risk_difference(df, "event", "arm", treatment="t", control="c")
    >>> res[["estimate", "ci_low", "ci_high", "p_value"]].round(4)
       estimate  ci_low  ci_high  p_value
    0       0.2  0.0524   0.3339    0.008
    """
    alpha = require_alpha(alpha)
    counts = _two_group_counts(data, outcome, group, treatment, control)
    n_t, x_t, p_t = counts["n_treatment"], counts["events_treatment"], counts["p_treatment"]
    n_c, x_c, p_c = counts["n_control"], counts["events_control"], counts["p_control"]
    low_t, high_t = wilson_interval(x_t, n_t, alpha)
    low_c, high_c = wilson_interval(x_c, n_c, alpha)
    difference = p_t - p_c
    ci_low = difference - np.sqrt((p_t - low_t) ** 2 + (high_c - p_c) ** 2)
    ci_high = difference + np.sqrt((high_t - p_t) ** 2 + (p_c - low_c) ** 2)
    pooled = (x_t + x_c) / (n_t + n_c)
    se_pooled = np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    if se_pooled > 0:
        z = difference / se_pooled
        p_value = float(2 * stats.norm.sf(abs(z)))
    else:
        z, p_value = np.nan, np.nan
    row = {
        "estimate": difference,
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "statistic": float(z),
        "p_value": p_value,
        **counts,
    }
    return pd.DataFrame([row])


def risk_ratio(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Ratio of two proportions with a Wald interval on the log scale (Katz).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 1 (event) or 0 (no event); missing values are left out.
    group : str
        Column with the group of each person.
    treatment, control : object
        The levels of ``group`` to compare (treatment over control).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`p_t / p_c`.
        - ``ci_low``, ``ci_high``: :math:`\\exp(\\log RR \\mp z\\,SE)`.
        - ``p_value``: two-sided Wald p for :math:`\\log RR = 0`.
        - ``n_treatment``, ``events_treatment``, ``p_treatment``, ``n_control``,
          ``events_control``, ``p_control``: counts and proportions per group.

    Notes
    -----
    :math:`SE(\\log RR) = \\sqrt{1/x_t - 1/n_t + 1/x_c - 1/n_c}` (Katz et al. 1978). With no
    events in a group the logarithm is undefined, and ``ci_low``, ``ci_high`` and ``p_value``
    are ``NaN``.

    References
    ----------
    .. [1] Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining confidence
       intervals for the risk ratio in cohort studies. Biometrics, 34, 469-474.
    .. [2] Fagerland, M. W., Lydersen, S., & Laake, P. (2015). Recommended confidence intervals
       for two independent binomial proportions. Statistical Methods in Medical Research,
       24, 224-254.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 34 + ["c"] * 34,
    ...                    "event": [1] * 7 + [0] * 27 + [1] * 1 + [0] * 33})
    >>> risk_ratio(df, "event", "arm", "t", "c")[["estimate", "ci_low", "ci_high"]].round(2)
       estimate  ci_low  ci_high
    0       7.0    0.91    53.87
    """
    alpha = require_alpha(alpha)
    counts = _two_group_counts(data, outcome, group, treatment, control)
    n_t, x_t = counts["n_treatment"], counts["events_treatment"]
    n_c, x_c = counts["n_control"], counts["events_control"]
    estimate = counts["p_treatment"] / counts["p_control"] if x_c > 0 else np.inf
    if x_t > 0 and x_c > 0:
        log_rr = float(np.log(estimate))
        se = float(np.sqrt(1 / x_t - 1 / n_t + 1 / x_c - 1 / n_c))
    else:
        log_rr, se = np.nan, np.nan
    if x_t == 0 and x_c == 0:
        estimate = np.nan
    row = {"estimate": float(estimate), **_log_scale_wald(log_rr, se, alpha), **counts}
    return pd.DataFrame([row])


def odds_ratio(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Odds ratio of two groups with the Woolf (logit) interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 1 (event) or 0 (no event); missing values are left out.
    group : str
        Column with the group of each person.
    treatment, control : object
        The levels of ``group`` to compare (odds in treatment over odds in control).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`ad / (bc)` with :math:`a, b` events and non-events under
          treatment and :math:`c, d` under control.
        - ``ci_low``, ``ci_high``: :math:`\\exp(\\log OR \\mp z\\,SE)`.
        - ``p_value``: two-sided Wald p for :math:`\\log OR = 0`.
        - ``n_treatment``, ``events_treatment``, ``p_treatment``, ``n_control``,
          ``events_control``, ``p_control``: counts and proportions per group.

    Notes
    -----
    :math:`SE(\\log OR) = \\sqrt{1/a + 1/b + 1/c + 1/d}` (Woolf 1955). With a zero cell the
    logarithm is undefined, and ``ci_low``, ``ci_high`` and ``p_value`` are ``NaN``; no
    continuity correction is added.

    References
    ----------
    .. [1] Woolf, B. (1955). On estimating the relation between blood group and disease.
       Annals of Human Genetics, 19, 251-253.
    .. [2] Agresti, A. (2013). Categorical Data Analysis (3rd ed.), section 3.1. Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 34 + ["c"] * 34,
    ...                    "event": [1] * 7 + [0] * 27 + [1] * 1 + [0] * 33})
    >>> odds_ratio(df, "event", "arm", "t", "c")[["estimate", "ci_low", "ci_high"]].round(2)
       estimate  ci_low  ci_high
    0      8.56    0.99     73.9
    """
    alpha = require_alpha(alpha)
    counts = _two_group_counts(data, outcome, group, treatment, control)
    a = counts["events_treatment"]
    b = counts["n_treatment"] - a
    c = counts["events_control"]
    d = counts["n_control"] - c
    if min(a, b, c, d) > 0:
        estimate = (a * d) / (b * c)
        log_or = float(np.log(estimate))
        se = float(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d))
    else:
        numerator, denominator = a * d, b * c
        estimate = np.nan if numerator == denominator == 0 else (
            np.inf if denominator == 0 else numerator / denominator
        )
        log_or, se = np.nan, np.nan
    row = {"estimate": float(estimate), **_log_scale_wald(log_or, se, alpha), **counts}
    return pd.DataFrame([row])


def adjusted_odds_ratio(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    covariates: str | Sequence[str] = (),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Odds ratio of two groups adjusted for covariates, by logistic regression.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 1 (event) or 0 (no event).
    group : str
        Column with the group of each person; rows of other groups are ignored.
    treatment, control : object
        The levels of ``group`` to compare.
    covariates : str or sequence of str
        Columns to adjust for. Numeric columns enter linearly; other columns (text, category,
        boolean) enter as categorical factors with their first level as reference.
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`\\exp(\\beta)`, the odds ratio of treatment against control
          adjusted for the covariates.
        - ``ci_low``, ``ci_high``: Wald interval :math:`\\exp(\\beta \\mp z\\,SE)`.
        - ``p_value``: two-sided Wald p for :math:`\\beta = 0`.
        - ``coef``, ``se``: :math:`\\beta` and its standard error (log-odds scale).
        - ``n``: persons in the model (complete cases on outcome, group and covariates).
        - ``events``: persons with the event among them.
        - ``n_treatment``, ``n_control``: persons per group among them.
        - ``converged``: whether the maximum-likelihood fit converged.

    Notes
    -----
    Model: :math:`\\operatorname{logit} P(Y = 1) = \\beta_0 + \\beta\\,[\\text{group} =
    \\text{treatment}] + \\gamma^\\top x`, fitted by maximum likelihood
    (``statsmodels`` ``Logit``). Without covariates the estimate and interval equal the
    crude odds ratio with the Woolf interval (:func:`odds_ratio`).

    References
    ----------
    .. [1] Agresti, A. (2013). Categorical Data Analysis (3rd ed.), chapters 4-5. Wiley.
    .. [2] Seabold, S., & Perktold, J. (2010). statsmodels: Econometric and statistical modeling
       with Python. Proceedings of the 9th Python in Science Conference.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 34 + ["c"] * 34,
    ...                    "event": [1] * 7 + [0] * 27 + [1] * 1 + [0] * 33})
    >>> res = adjusted_odds_ratio(df, "event", "arm", "t", "c")
    >>> res[["estimate", "ci_low", "ci_high", "n", "events"]].round(2)
       estimate  ci_low  ci_high   n  events
    0      8.56    0.99     73.9  68       8
    """
    import statsmodels.api as sm

    require_frame(data)
    alpha = require_alpha(alpha)
    covariate_list = as_name_list(covariates, "covariates")
    require_columns(data, [outcome, group, *covariate_list])
    check_no_overlap({"outcome": [outcome], "group": [group], "covariate": covariate_list})
    require_binary(data, outcome)
    require_levels(data, group, [treatment, control], "treatment and control")

    used = data.loc[data[group].isin([treatment, control]), [outcome, group, *covariate_list]]
    used = used.dropna()
    if used.empty:
        raise EstimationError(
            "no_data", "no complete rows (outcome, group and covariates all present) to fit")
    design = pd.DataFrame({"const": 1.0, "treatment": (used[group] == treatment).astype(float)})
    for column in covariate_list:
        values = used[column]
        if values.dtype.kind in "iuf":
            design[column] = values.astype(float)
        else:
            dummies = pd.get_dummies(values.astype(str), prefix=column, drop_first=True)
            design = pd.concat([design, dummies.astype(float)], axis=1)
    y = used[outcome].astype(float)
    for label, level in (("treatment", treatment), ("control", control)):
        if not (used[group] == level).any():
            raise EstimationError(
                "no_data", f"no complete rows left in group '{level}' ({label})")
    if y.nunique() < 2:
        raise EstimationError(
            "no_variance",
            f"'{outcome}' takes only one value among the complete rows; no odds ratio can be "
            "fitted",
        )
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        raise EstimationError(
            "singular",
            "the covariates are collinear with the group or with each other "
            "(e.g. a covariate that is constant within each group); drop one of them",
        )
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    try:
        fit = sm.Logit(y, design).fit(disp=0, maxiter=200)
    except PerfectSeparationError as exc:
        raise EstimationError("separation", str(exc).splitlines()[0]) from exc
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            "singular", f"the logistic model could not be fitted (singular matrix): {exc}"
        ) from exc
    coef = float(fit.params["treatment"])
    se = float(fit.bse["treatment"])
    row = {
        "estimate": float(np.exp(coef)),
        **_log_scale_wald(coef, se, alpha),
        "coef": coef,
        "se": se,
        "n": len(used),
        "events": int(y.sum()),
        "n_treatment": int((used[group] == treatment).sum()),
        "n_control": int((used[group] == control).sum()),
        "converged": bool(fit.mle_retvals.get("converged", True)),
    }
    return pd.DataFrame([row])
