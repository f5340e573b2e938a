"""Comparing a binary outcome between two groups within strata (Mantel-Haenszel).

The function takes one row per person (long format), a 0/1 outcome column, a group column and a
stratum column (e.g. the office or the randomisation block), and returns a one-row DataFrame.
Rows whose outcome, group or stratum is missing are left out; rows of other groups are ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    check_no_overlap,
    require_alpha,
    require_binary,
    require_columns,
    require_frame,
    require_levels,
)
from .errors import EstimationError

__all__ = ["mantel_haenszel_rd"]

_VARIANCES = ("greenland-robins", "sato")


def _stratum_counts(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    stratum: str,
    treatment: object,
    control: object,
) -> pd.DataFrame:
    """Events and persons per stratum and group: columns a, n1 (treatment), c, n2 (control)."""
    used = data.loc[data[group].isin([treatment, control]), [outcome, group, stratum]].dropna()
    if used.empty:
        raise EstimationError(
            "no_data",
            f"no rows with '{outcome}', '{group}' and '{stratum}' all present in the two groups",
        )
    is_treatment = used[group] == treatment
    table = pd.DataFrame(
        {
            "a": used[outcome].where(is_treatment, 0).astype(float),
            "n1": is_treatment.astype(float),
            "c": used[outcome].where(~is_treatment, 0).astype(float),
            "n2": (~is_treatment).astype(float),
            "stratum": used[stratum],
        }
    )
    return table.groupby("stratum", sort=True, observed=True).sum()


def _heterogeneity(table: pd.DataFrame, estimate: float) -> dict[str, float]:
    """Cochran's Q of the stratum risk differences around the Mantel-Haenszel estimate.

    As metafor's ``rma.mh(measure="RD")``: strata without events in both groups (or with only
    events in both) are left out; 1/2 is added to every cell of a stratum with a zero cell; each
    stratum's risk difference is weighted by the inverse of its large-sample variance.
    """
    a, n1, c, n2 = (table[k].to_numpy(float) for k in ("a", "n1", "c", "n2"))
    b, d = n1 - a, n2 - c
    keep = ~(((a == 0) & (c == 0)) | ((b == 0) & (d == 0)))
    a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, x + 0.5, x) for x in (a, b, c, d))
    p1, p2 = a / (a + b), c / (c + d)
    differences = p1 - p2
    variances = p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (c + d)
    k = len(differences)
    if k < 2:
        return {"q_statistic": np.nan, "q_df": 0, "q_p_value": np.nan, "i_squared": np.nan}
    q = float(np.sum((differences - estimate) ** 2 / variances))
    return {
        "q_statistic": q,
        "q_df": k - 1,
        "q_p_value": float(stats.chi2.sf(q, k - 1)),
        "i_squared": float(max(0.0, 100 * (q - (k - 1)) / q)) if q > 0 else 0.0,
    }


def mantel_haenszel_rd(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    stratum: str,
    treatment: object,
    control: object,
    variance: str = "greenland-robins",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Risk difference of two groups pooled over strata by the Mantel-Haenszel method.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    outcome : str
        Column coded 1 (event) or 0 (no event).
    group : str
        Column with the group of each person.
    stratum : str
        Column with the stratum of each person (e.g. office, randomisation block).
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    variance : {"greenland-robins", "sato"}
        Variance estimator of the pooled difference: Greenland & Robins (1985), as in RevMan,
        Stata's ``metan`` and R's ``meta::metabin`` (the default), or Sato, Greenland & Robins
        (1989), as in R's ``metafor::rma.mh`` and SAS ``PROC FREQ``. The two agree closely unless
        the strata are small and many.
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: Mantel-Haenszel risk difference, treatment minus control.
        - ``ci_low``, ``ci_high``: Wald interval :math:`\\hat d \\mp z\\,SE`.
        - ``se``: standard error of the estimate (``variance`` estimator).
        - ``statistic``: :math:`z = \\hat d / SE`.
        - ``p_value``: two-sided p of that z-test.
        - ``q_statistic``, ``q_df``, ``q_p_value``: Cochran's test of equal risk differences
          in the strata (``NaN`` with fewer than two informative strata).
        - ``i_squared``: :math:`I^2 = \\max\\{0, (Q - df)/Q\\}` in percent.
        - ``n_strata``: strata containing both groups (the others carry no information and
          are left out); ``n_strata_dropped``: strata with only one of the groups.
        - ``n_treatment``, ``events_treatment``, ``n_control``, ``events_control``: persons
          and events in the strata used.
        - ``variance``: the variance estimator used.

    Notes
    -----
    For stratum :math:`i` with :math:`a_i` events among :math:`n_{1i}` treated persons,
    :math:`c_i` among :math:`n_{2i}` controls, :math:`b_i = n_{1i} - a_i`,
    :math:`d_i = n_{2i} - c_i`, :math:`N_i = n_{1i} + n_{2i}` and weight
    :math:`w_i = n_{1i} n_{2i} / N_i`,

    .. math::

        \\hat d_{MH} = \\frac{\\sum_i w_i (a_i/n_{1i} - c_i/n_{2i})}{\\sum_i w_i}.

    Greenland & Robins (1985):
    :math:`\\widehat{\\operatorname{var}} = \\sum_i (a_i b_i n_{2i}^3 + c_i d_i n_{1i}^3)
    / (n_{1i} n_{2i} N_i^2) \\,/\\, (\\sum_i w_i)^2`.
    Sato, Greenland & Robins (1989):
    :math:`\\widehat{\\operatorname{var}} = (\\hat d_{MH} \\sum_i P_i + \\sum_i Q_i)
    / (\\sum_i w_i)^2` with :math:`P_i = (n_{1i}^2 c_i - n_{2i}^2 a_i
    + n_{1i} n_{2i} (n_{2i} - n_{1i})/2)/N_i^2` and
    :math:`Q_i = \\{a_i (n_{2i} - c_i) + c_i (n_{1i} - a_i)\\}/(2 N_i)`; it stays valid
    with many sparse strata.

    Cochran's :math:`Q = \\sum_i (\\hat d_i - \\hat d_{MH})^2 / v_i` with
    :math:`v_i = p_{1i}(1 - p_{1i})/n_{1i} + p_{2i}(1 - p_{2i})/n_{2i}`, on :math:`k - 1`
    degrees of freedom; as in metafor, strata with no events (or only events) in both groups
    are left out of :math:`Q`, and 1/2 is added to the cells of a stratum with a zero cell
    (for :math:`Q` only).

    References
    ----------
    .. [1] Greenland, S., & Robins, J. M. (1985). Estimation of a common effect parameter from
       sparse follow-up data. Biometrics, 41, 55-68.
    .. [2] Sato, T., Greenland, S., & Robins, J. M. (1989). On the variance estimator for the
       Mantel-Haenszel risk difference. Biometrics, 45, 1323-1324.
    .. [3] Rothman, K. J., Greenland, S., & Lash, T. L. (2008). Modern Epidemiology (3rd ed.),
       chapter 15. Lippincott Williams & Wilkins.
    .. [4] Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
       Journal of Statistical Software, 36(3), 1-48.

    Examples
    --------
    Tolbutamide and death by age stratum (Rothman et al. 2008, Table 15-1):

    >>> import pandas as pd
    >>> cells = [("<55", "tolbutamide", 8, 106), ("<55", "placebo", 5, 120),
    ...          ("55+", "tolbutamide", 22, 98), ("55+", "placebo", 16, 85)]
    >>> df = pd.DataFrame(
    ...     [(age, arm, int(i < dead)) for age, arm, dead, n in cells for i in range(n)],
    ...     columns=["age", "arm", "dead"])
    >>> res = mantel_haenszel_rd(df, "dead", "arm", "age", "tolbutamide", "placebo", alpha=0.1)
    >>> res[["estimate", "ci_low", "ci_high", "q_statistic", "q_p_value"]].round(4)
       estimate  ci_low  ci_high  q_statistic  q_p_value
    0     0.0349 -0.0176   0.0874       0.0017     0.9669
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    if variance not in _VARIANCES:
        raise ValueError(f"variance must be one of {_VARIANCES}, got {variance!r}")
    require_columns(data, [outcome, group, stratum])
    check_no_overlap({"outcome": [outcome], "group": [group], "stratum": [stratum]})
    require_binary(data, outcome)
    require_levels(data, group, [treatment, control], "treatment and control")

    table = _stratum_counts(data, outcome, group, stratum, treatment, control)
    both = (table["n1"] > 0) & (table["n2"] > 0)
    n_dropped = int((~both).sum())
    table = table.loc[both]
    if table.empty:
        raise EstimationError(
            "no_data",
            f"no stratum of '{stratum}' contains both group '{treatment}' and group "
            f"'{control}'; a stratified comparison needs strata with both groups",
        )
    a, n1, c, n2 = (table[k].to_numpy(float) for k in ("a", "n1", "c", "n2"))
    b, d = n1 - a, n2 - c
    total = n1 + n2
    weights = n1 * n2 / total
    estimate = float(np.sum(a * n2 / total - c * n1 / total) / np.sum(weights))
    if variance == "greenland-robins":
        var = np.sum((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * total**2)) / np.sum(weights) ** 2
    else:
        p_terms = (n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / total**2
        q_terms = (a * (n2 - c) + c * (n1 - a)) / (2 * total)
        var = (estimate * np.sum(p_terms) + np.sum(q_terms)) / np.sum(weights) ** 2
    se = float(np.sqrt(max(var, 0.0)))
    if se > 0:
        z_crit = stats.norm.isf(alpha / 2)
        statistic = estimate / se
        ci_low, ci_high = estimate - z_crit * se, estimate + z_crit * se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    else:  # every stratum has only events or only non-events in each group
        statistic, ci_low, ci_high, p_value = np.nan, np.nan, np.nan, np.nan
    row = {
        "estimate": estimate,
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "se": se,
        "statistic": float(statistic),
        "p_value": p_value,
        **_heterogeneity(table, estimate),
        "n_strata": len(table),
        "n_strata_dropped": n_dropped,
        "n_treatment": int(n1.sum()),
        "events_treatment": int(a.sum()),
        "n_control": int(n2.sum()),
        "events_control": int(c.sum()),
        "variance": variance,
    }
    return pd.DataFrame([row])
