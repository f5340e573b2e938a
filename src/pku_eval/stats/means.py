"""Means and differences of means: t intervals, Welch's test, paired comparisons."""

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

__all__ = ["mean_ci", "paired_difference", "welch_difference"]


def _t_interval(
    estimate: float, se: float, df: float, alpha: float
) -> tuple[float, float, float, float]:
    """Return ``(ci_low, ci_high, t, p_value)`` for an estimate with a t reference."""
    if not np.isfinite(se) or se <= 0 or not df > 0:
        return np.nan, np.nan, np.nan, np.nan
    quantile = stats.t.isf(alpha / 2, df)
    t = estimate / se
    return (
        float(estimate - quantile * se),
        float(estimate + quantile * se),
        float(t),
        float(2 * stats.t.sf(abs(t), df)),
    )


def mean_ci(
    data: pd.DataFrame,
    value: str,
    by: str | Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Mean with a t confidence interval, overall or per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, one row per observation.
    value : str
        Numeric column; missing values are left out.
    by : str or sequence of str, optional
        Grouping column(s); ``None`` gives one row for all data.
    alpha : float
        Significance level; ``0.05`` gives 95% intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted; groups without a non-missing value are absent), with the
        grouping columns followed by

        - ``n``: non-missing values.
        - ``mean``: their mean.
        - ``sd``: standard deviation (denominator :math:`n - 1`; ``NaN`` when ``n`` is 1).
        - ``se``: standard error :math:`sd / \\sqrt n`.
        - ``ci_low``, ``ci_high``: :math:`\\bar x \\mp t_{1 - \\alpha/2, n - 1}\\, se`
          (``NaN`` when ``n`` is 1).

    Notes
    -----
    The interval is the one-sample t interval (R: ``t.test(x)$conf.int``).

    References
    ----------
    .. [1] Student (1908). The probable error of a mean. Biometrika, 6, 1-25.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["a", "a", "a", "b", "b"], "score": [1.0, 2.0, 3.0, 4.0, 6.0]})
    >>> mean_ci(df, "score", by="arm").round(3)
      arm  n  mean     sd     se  ci_low  ci_high
    0   a  3   2.0  1.000  0.577  -0.484    4.484
    1   b  2   5.0  1.414  1.000  -7.706   17.706
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    by_list = as_name_list(by, "by")
    require_columns(data, [value, *by_list])
    check_no_overlap({"value": [value], "by": by_list})
    require_numeric(data, value)

    def summarise(values: pd.Series) -> dict[str, float]:
        values = values.dropna().astype(float)
        n = len(values)
        mean = float(values.mean()) if n else np.nan
        sd = float(values.std(ddof=1)) if n > 1 else np.nan
        se = sd / np.sqrt(n) if n > 1 else np.nan
        ci_low, ci_high, _, _ = _t_interval(mean, se, n - 1, alpha)
        if n > 1 and se == 0:
            ci_low = ci_high = mean
        return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": ci_low, "ci_high": ci_high}

    if not by_list:
        return pd.DataFrame([summarise(data[value])])
    rows = []
    for key, part in data.groupby(by_list, sort=True, observed=True, dropna=True):
        summary = summarise(part[value])
        if summary["n"] == 0:
            continue
        keys = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by_list, keys, strict=True)), **summary})
    columns = [*by_list, "n", "mean", "sd", "se", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def welch_difference(
    data: pd.DataFrame,
    value: str,
    group: str,
    first: object,
    second: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference of two means (second minus first) with Welch's t-test.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, one row per observation; rows of other groups are ignored.
    value : str
        Numeric column; missing values are left out.
    group : str
        Column with the group of each row.
    first, second : object
        The levels of ``group`` to compare; the estimate is mean(second) - mean(first)
        (e.g. ``first="pre"``, ``second="post"``).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`\\bar x_2 - \\bar x_1`.
        - ``ci_low``, ``ci_high``: Welch interval.
        - ``t``: Welch's t statistic (sign as ``estimate``).
        - ``df``: Welch-Satterthwaite degrees of freedom.
        - ``p_value``: two-sided p.
        - ``n_first``, ``mean_first``, ``sd_first``: size, mean and SD of the first group;
          ``n_second``, ``mean_second``, ``sd_second`` of the second.

    Notes
    -----
    :math:`SE = \\sqrt{s_1^2/n_1 + s_2^2/n_2}`, :math:`t = (\\bar x_2 - \\bar x_1)/SE`,
    :math:`df = SE^4 / \\{(s_1^2/n_1)^2/(n_1 - 1) + (s_2^2/n_2)^2/(n_2 - 1)\\}`; the interval
    is :math:`\\bar x_2 - \\bar x_1 \\mp t_{1-\\alpha/2, df}\\, SE` (R: ``t.test(x, y)``,
    whose default is Welch's test).

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several different
       population variances are involved. Biometrika, 34, 28-35.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"round": ["pre"] * 4 + ["post"] * 5,
    ...                    "score": [2.0, 3.0, 2.5, 3.5, 3.0, 4.0, 3.5, 4.5, 5.0]})
    >>> res = welch_difference(df, "score", "round", first="pre", second="post")
    >>> res[["estimate", "ci_low", "ci_high", "df", "p_value"]].round(3)
       estimate  ci_low  ci_high     df  p_value
    0      1.25   0.117    2.383  6.981    0.035
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [value, group])
    check_no_overlap({"value": [value], "group": [group]})
    require_numeric(data, value)
    require_levels(data, group, [first, second], "first and second")
    samples = {}
    for label, level in (("first", first), ("second", second)):
        values = data.loc[data[group] == level, value].dropna().astype(float)
        if len(values) < 2:
            raise EstimationError(
                "too_few",
                f"group '{level}' of '{group}' has {len(values)} non-missing value(s) of "
                f"'{value}'; Welch's test needs at least 2 per group",
            )
        samples[label] = values.to_numpy()
    x1, x2 = samples["first"], samples["second"]
    n1, n2 = len(x1), len(x2)
    v1, v2 = x1.var(ddof=1) / n1, x2.var(ddof=1) / n2
    se = np.sqrt(v1 + v2)
    if se == 0:
        raise EstimationError(
            "no_variance", f"'{value}' is constant in both groups; the t-test is undefined")
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    estimate = float(x2.mean() - x1.mean())
    ci_low, ci_high, t, p_value = _t_interval(estimate, se, df, alpha)
    row = {
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "t": t,
        "df": float(df),
        "p_value": p_value,
        "n_first": n1,
        "mean_first": float(x1.mean()),
        "sd_first": float(x1.std(ddof=1)),
        "n_second": n2,
        "mean_second": float(x2.mean()),
        "sd_second": float(x2.std(ddof=1)),
    }
    return pd.DataFrame([row])


def _signed_rank(differences: np.ndarray) -> dict[str, float]:
    """Wilcoxon signed-rank test as R's ``wilcox.test(paired = TRUE)`` computes it."""
    nonzero = differences[differences != 0]
    if len(nonzero) == 0:
        return {"wilcoxon_statistic": np.nan, "wilcoxon_p_value": np.nan, "rank_biserial": np.nan}
    ranks = stats.rankdata(np.abs(nonzero))
    positive = float(ranks[nonzero > 0].sum())
    negative = float(ranks[nonzero < 0].sum())
    has_ties = len(np.unique(np.abs(nonzero))) < len(nonzero)
    has_zeros = len(nonzero) < len(differences)
    exact = len(nonzero) < 50 and not has_ties and not has_zeros
    result = stats.wilcoxon(
        nonzero,
        zero_method="wilcox",
        correction=not exact,
        method="exact" if exact else "approx",
    )
    return {
        "wilcoxon_statistic": positive,
        "wilcoxon_p_value": float(result.pvalue),
        "rank_biserial": (positive - negative) / (positive + negative),
    }


def paired_difference(
    data: pd.DataFrame,
    value: str,
    condition: str,
    subject: str,
    first: object,
    second: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Mean within-subject difference (second minus first): paired t and signed-rank tests.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per subject and condition; rows of other conditions are ignored.
    value : str
        Numeric column.
    condition : str
        Column with the condition (e.g. the round ``pre``/``post``).
    subject : str
        Column identifying the subject; subjects with a value in both conditions are used.
    first, second : object
        The levels of ``condition`` to compare; differences are second minus first.
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: mean of the differences :math:`d_i = x_{i2} - x_{i1}`.
        - ``ci_low``, ``ci_high``: paired t interval.
        - ``t``, ``df``, ``p_value``: paired t-test (two-sided).
        - ``n_pairs``: subjects with both values.
        - ``mean_first``, ``mean_second``: means of the two conditions among those subjects.
        - ``wilcoxon_statistic``: :math:`V`, the sum of the ranks of positive differences
          (R's ``V``).
        - ``wilcoxon_p_value``: two-sided p of the signed-rank test.
        - ``rank_biserial``: matched-pairs rank-biserial correlation, from -1 (every
          difference negative) to 1 (every difference positive).

    Notes
    -----
    t-test: :math:`t = \\bar d / (s_d/\\sqrt n)` on :math:`n - 1` df. Signed-rank test: zero
    differences are dropped and the absolute differences ranked (mid-ranks for ties); as in
    R's ``wilcox.test``, the exact distribution is used for fewer than 50 pairs without ties
    or zeros, otherwise the normal approximation with tie and continuity corrections.
    Rank-biserial correlation (Kerby 2014): :math:`r = (R_+ - R_-)/(R_+ + R_-)`.

    References
    ----------
    .. [1] Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin,
       1, 80-83.
    .. [2] Kerby, D. S. (2014). The simple difference formula: an approach to teaching
       nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b", "c", "d", "e"] * 2,
    ...                    "round": ["pre"] * 5 + ["post"] * 5,
    ...                    "score": [2.0, 3.0, 2.5, 3.5, 3.0, 3.0, 3.5, 3.0, 4.5, 3.2]})
    >>> res = paired_difference(df, "score", "round", "id", first="pre", second="post")
    >>> res[["estimate", "ci_low", "ci_high", "p_value", "n_pairs", "rank_biserial"]].round(3)
       estimate  ci_low  ci_high  p_value  n_pairs  rank_biserial
    0      0.64   0.205    1.075    0.015        5            1.0
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [value, condition, subject])
    check_no_overlap({"value": [value], "condition": [condition], "subject": [subject]})
    require_numeric(data, value)
    require_levels(data, condition, [first, second], "first and second")
    used = data.loc[data[condition].isin([first, second]), [subject, condition, value]]
    used = used.dropna()
    duplicated = used.duplicated([subject, condition])
    if duplicated.any():
        example = used.loc[duplicated, [subject, condition]].iloc[0]
        raise ValueError(
            f"subject {example[subject]!r} has more than one value at {example[condition]!r}; "
            "a paired comparison needs one value per subject and condition"
        )
    wide = used.pivot(index=subject, columns=condition, values=value).dropna()
    n = len(wide)
    if n < 2:
        raise EstimationError(
            "too_few", f"only {n} subject(s) have values at both '{first}' and '{second}'")
    x1 = wide[first].to_numpy(float)
    x2 = wide[second].to_numpy(float)
    differences = x2 - x1
    estimate = float(differences.mean())
    se = float(differences.std(ddof=1) / np.sqrt(n))
    ci_low, ci_high, t, p_value = _t_interval(estimate, se, n - 1, alpha)
    row = {
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "t": t,
        "df": int(n - 1),
        "p_value": p_value,
        "n_pairs": int(n),
        "mean_first": float(x1.mean()),
        "mean_second": float(x2.mean()),
        **_signed_rank(differences),
    }
    return pd.DataFrame([row])
