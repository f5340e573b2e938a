"""Adjusting p-values for multiple testing.

:func:`holm` takes the p-values of a family of tests (a list, an array or a pandas Series, e.g.
the ``p_value`` column of several results stacked together) and returns one row per test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import require_alpha

__all__ = ["holm"]


def holm(
    p_values: Sequence[float] | np.ndarray | pd.Series,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Holm's step-down adjustment of p-values (strong control of the family-wise error rate).

    Parameters
    ----------
    p_values : sequence of float, numpy array or pandas Series
        The unadjusted p-values of the family of tests, each between 0 and 1. Missing values
        (``NaN``/``None``) are kept as missing and do not count as tests. The labels of a
        Series become the ``hypothesis`` column.
    alpha : float
        Family-wise significance level used for ``reject``.

    Returns
    -------
    pandas.DataFrame
        One row per p-value, in the order given, with columns

        - ``hypothesis``: the Series label, or the position (0, 1, ...).
        - ``p_value``: the unadjusted p-value.
        - ``p_adjusted``: Holm-adjusted p-value (``NaN`` where ``p_value`` is missing).
        - ``reject``: whether ``p_adjusted <= alpha``.
        - ``rank``: rank of the p-value among the tests (1 = smallest).
        - ``m``: number of tests (non-missing p-values).

    Notes
    -----
    With the :math:`m` p-values ordered :math:`p_{(1)} \\le \\dots \\le p_{(m)}`, the adjusted
    values are

    .. math::

        \\tilde p_{(i)} = \\min\\Bigl\\{1, \\max_{j \\le i} (m - j + 1)\\, p_{(j)}\\Bigr\\},

    as R's ``p.adjust(p, method = "holm")``. Rejecting the hypotheses with
    :math:`\\tilde p \\le \\alpha` is Holm's (1979) sequentially rejective procedure; it is
    valid whatever the dependence between the tests and uniformly more powerful than
    Bonferroni's.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics, 6, 65-70.
    .. [2] Wright, S. P. (1992). Adjusted P-values for simultaneous inference. Biometrics, 48,
       1005-1013.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.Series({"employment": 0.01, "income": 0.04, "hours": 0.03, "wellbeing": 0.2})
    >>> holm(p)
      hypothesis  p_value  p_adjusted  reject  rank  m
    0 employment     0.01        0.04    True     1  4
    1     income     0.04        0.09   False     3  4
    2      hours     0.03        0.09   False     2  4
    3  wellbeing     0.20        0.20   False     4  4
    """
    alpha = require_alpha(alpha)
    if isinstance(p_values, pd.DataFrame):
        raise TypeError("p_values must be one column of p-values (a Series), not a DataFrame")
    if isinstance(p_values, (str, bytes)) or np.isscalar(p_values):
        raise TypeError(f"p_values must be a sequence of p-values, got {p_values!r}")
    labels = list(p_values.index) if isinstance(p_values, pd.Series) else None
    try:
        p = pd.to_numeric(pd.Series(list(p_values), dtype=object), errors="raise")
    except (TypeError, ValueError):
        raise TypeError("p_values must hold numbers (p-values between 0 and 1)") from None
    p = p.astype(float).to_numpy()
    if len(p) == 0:
        raise ValueError("p_values is empty; give the p-values of at least one test")
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        bad = p[present][(p[present] < 0) | (p[present] > 1)]
        raise ValueError(f"p-values must lie between 0 and 1, got {bad[:5].tolist()}")
    m = int(present.sum())
    adjusted = np.full(len(p), np.nan)
    ranks = np.full(len(p), -1)
    if m > 0:
        positions = np.flatnonzero(present)
        order = positions[np.argsort(p[positions], kind="stable")]
        multipliers = m - np.arange(m)
        stepped = np.minimum(1.0, np.maximum.accumulate(multipliers * p[order]))
        adjusted[order] = stepped
        ranks[order] = np.arange(1, m + 1)
    return pd.DataFrame(
        {
            "hypothesis": labels if labels is not None else list(range(len(p))),
            "p_value": p,
            "p_adjusted": adjusted,
            "reject": present & (np.nan_to_num(adjusted, nan=np.inf) <= alpha),
            "rank": pd.array(np.where(ranks > 0, ranks, None), dtype="Int64"),
            "m": m,
        }
    )
