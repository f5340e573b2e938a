"""Change within people: the one-sample t test of change scores, the Jacobson–Truax style
classification of change against a reliable-change threshold and a clinical cut-off, and
percentile bands of a score by occasion."""

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
from .means import _t_interval
from .proportions import wilson_interval

__all__ = ["one_sample_t", "percentile_bands", "reliable_change"]


def one_sample_t(data: pd.DataFrame, value: str, mu: float = 0.0,
                 alpha: float = 0.05) -> pd.DataFrame:
    """One-sample t test of the mean of ``value`` against ``mu`` (e.g. change scores against 0).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; missing values of ``value`` are left out.
    value : str
        Numeric column (e.g. last − first).
    mu : float
        The mean under the null hypothesis.
    alpha : float
        Significance level; ``0.05`` gives 95% intervals.

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``estimate`` (the mean), ``sd``, ``se``, ``ci_low``, ``ci_high``
        (t interval of the mean), ``t``, ``df`` (n − 1), ``p_value`` (two-sided, against
        ``mu``).

    Raises
    ------
    EstimationError
        ``too_few`` with fewer than 2 values, ``no_variance`` when all values are equal.

    Notes
    -----
    As R ``t.test(x, mu = mu)``; for change scores ``x = last - first`` this is the paired t
    test ``t.test(last, first, paired = TRUE)``.

    References
    ----------
    .. [1] Student (1908). The probable error of a mean. Biometrika, 6, 1-25.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"change": [1.0, 2.0, 3.0, 6.0]})
    >>> one_sample_t(d, "change")[["n", "estimate", "df"]]
       n  estimate  df
    0  4       3.0   3
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [value])
    require_numeric(data, value)
    x = data[value].dropna().astype(float).to_numpy()
    n = len(x)
    if n < 2:
        raise EstimationError("too_few", f"fewer than 2 values of '{value}'")
    sd = float(x.std(ddof=1))
    if sd == 0:
        raise EstimationError("no_variance", f"all values of '{value}' are equal")
    mean = float(x.mean())
    se = sd / np.sqrt(n)
    ci_low, ci_high, _, _ = _t_interval(mean, se, n - 1, alpha)
    t = (mean - mu) / se
    p = float(2 * stats.t.sf(abs(t), n - 1))
    return pd.DataFrame([{"n": n, "estimate": mean, "sd": sd, "se": se, "ci_low": ci_low,
                          "ci_high": ci_high, "t": float(t), "df": n - 1, "p_value": p}])


def reliable_change(data: pd.DataFrame, first: str, last: str, threshold: float,
                    cutoff: float | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Classification of change from ``first`` to ``last`` in the manner of Jacobson & Truax:
    reliable improvement (last − first ≥ ``threshold``), reliable deterioration
    (last − first ≤ −``threshold``), no reliable change; and, with a ``cutoff``, clinically
    significant improvement among those who started below the cut-off: last ≥ ``cutoff`` and a
    reliable improvement.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; rows where ``first`` or ``last`` is missing are left out.
    first, last : str
        Numeric columns: the first and the last score (higher = better).
    threshold : float
        The reliable-change threshold in points (for the ORS: 5).
    cutoff : float, optional
        The clinical cut-off (for the ORS: 25).
    alpha : float
        For the Wilson intervals of the shares.

    Returns
    -------
    pandas.DataFrame
        One row per class (``reliable_improvement``, ``no_reliable_change``,
        ``reliable_deterioration`` and, with a cut-off, ``clinically_significant``) with
        ``events``, ``n`` (its base: everyone with both scores; for ``clinically_significant``
        those whose first score is below the cut-off), ``share``, ``ci_low``, ``ci_high``
        (Wilson). A share whose base is 0 is NaN.

    Notes
    -----
    Jacobson & Truax (1991) call a change reliable when it exceeds what measurement error alone
    would give (the reliable change index), and clinically significant when the person also
    moves from the dysfunctional to the functional range. For the ORS the developers give the
    reliable change as a fixed 5 points and the clinical cut-off 25 for adults (Miller, Duncan,
    Brown, Sparks & Claud 2003). The comparisons are inclusive (a change of exactly 5 counts),
    so scores are best rounded as the instrument reports them first.

    References
    ----------
    .. [1] Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach
       to defining meaningful change in psychotherapy research. J Consult Clin Psychol, 59,
       12-19.
    .. [2] Miller, S. D., Duncan, B. L., Brown, J., Sparks, J. A., & Claud, D. A. (2003). The
       Outcome Rating Scale. Journal of Brief Therapy, 2, 91-100.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [10.0, 20.0, 30.0, 22.0], "b": [16.0, 22.0, 24.0, 27.0]})
    >>> reliable_change(d, "a", "b", 5, 25)[["class", "events", "n"]]
                        class  events  n
    0    reliable_improvement       2  4
    1      no_reliable_change       1  4
    2  reliable_deterioration       1  4
    3  clinically_significant       1  3
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [first, last])
    check_no_overlap({"first": [first], "last": [last]})
    for col in (first, last):
        require_numeric(data, col)
    d = data[[first, last]].dropna().astype(float)
    a, b = d[first].to_numpy(), d[last].to_numpy()
    diff = b - a
    eps = 1e-9  # scores are rounded to one decimal: compare without floating-point noise
    classes = {
        "reliable_improvement": (diff >= threshold - eps, len(d)),
        "no_reliable_change": ((diff < threshold - eps) & (diff > -threshold + eps), len(d)),
        "reliable_deterioration": (diff <= -threshold + eps, len(d)),
    }
    if cutoff is not None:
        below = a < cutoff - eps
        hit = below & (b >= cutoff - eps) & (diff >= threshold - eps)
        classes["clinically_significant"] = (hit, int(below.sum()))
    rows = []
    for name, (mask, base) in classes.items():
        events = int(mask.sum())
        if base:
            lo, hi = wilson_interval(events, base, alpha)
            share = events / base
        else:
            lo = hi = share = np.nan
        rows.append({"class": name, "events": events, "n": int(base), "share": share,
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def percentile_bands(data: pd.DataFrame, value: str, by: str | Sequence[str] | None = None,
                     q: Sequence[float] = (0.10, 0.25, 0.50, 0.75, 0.90)) -> pd.DataFrame:
    """Percentiles of ``value`` overall or per group (e.g. per session number), for bands that
    show the spread of a score without individual trajectories.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format; missing values are left out.
    value : str
        Numeric column.
    by : str or sequence of str, optional
        Grouping column(s).
    q : sequence of float
        Probabilities in [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted; groups without a value are absent): the grouping columns,
        ``n`` and one column ``p<100·q>`` per probability (``p10``, ``p25``, …).

    Notes
    -----
    Linear interpolation between order statistics, R's default ``quantile(x, type = 7)``
    (Hyndman & Fan 1996, definition 7).

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. The
       American Statistician, 50, 361-365.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    >>> percentile_bands(d, "x", q=(0.25, 0.5))
       n   p25  p50
    0  4  1.75  2.5
    """
    require_frame(data)
    by_list = as_name_list(by, "by")
    require_columns(data, [value, *by_list])
    check_no_overlap({"value": [value], "by": by_list})
    require_numeric(data, value)
    q = [float(x) for x in q]
    if any(not 0 <= x <= 1 for x in q):
        raise ValueError(f"q must lie in [0, 1], got {q}")
    names = [f"p{100 * x:g}" for x in q]

    def summarise(values: pd.Series) -> dict:
        v = values.dropna().astype(float).to_numpy()
        out = {"n": len(v)}
        qs = np.quantile(v, q, method="linear") if len(v) else [np.nan] * len(q)
        out.update({name: float(x) for name, x in zip(names, qs, strict=True)})
        return out

    if not by_list:
        return pd.DataFrame([summarise(data[value])], columns=["n", *names])
    rows = []
    for key, part in data.groupby(by_list, sort=True, observed=True, dropna=True):
        s = summarise(part[value])
        if s["n"] == 0:
            continue
        keys = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by_list, keys, strict=True)), **s})
    return pd.DataFrame(rows, columns=[*by_list, "n", *names])
