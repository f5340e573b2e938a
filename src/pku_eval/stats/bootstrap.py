"""Bootstrap intervals for data with a cluster structure (several rows per person).

A share pooled over many rows per person - the share of all logged contacts that were with an
employer, say - is a ratio of two sums. Its rows are not independent (a person's contacts are
alike), so the interval resamples whole clusters (persons), not rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import (
    check_no_overlap,
    require_alpha,
    require_columns,
    require_frame,
    require_numeric,
)
from .errors import EstimationError

__all__ = ["cluster_bootstrap_ratio"]

#: Resampled cluster indices drawn per block (memory bound, about 32 MB of int64).
_BLOCK = 4_000_000


def cluster_bootstrap_ratio(
    data: pd.DataFrame,
    numerator: str,
    denominator: str,
    cluster: str,
    n_boot: int = 1000,
    seed: int | np.random.SeedSequence | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Pooled ratio of two sums with a cluster (nonparametric) bootstrap percentile interval.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one or more rows per cluster.
    numerator, denominator : str
        Numeric columns; the estimate is ``sum(numerator) / sum(denominator)`` over all rows.
    cluster : str
        Column identifying the cluster (e.g. the participant) that is resampled as a whole.
    n_boot : int
        Number of bootstrap replicates.
    seed : int or numpy.random.SeedSequence, optional
        Seed of the :func:`numpy.random.default_rng` generator; give one for results that can
        be reproduced (``None`` draws fresh entropy).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: :math:`\\hat R = \\sum_i y_i / \\sum_i x_i` with :math:`y_i, x_i` the
          cluster totals of ``numerator`` and ``denominator``.
        - ``ci_low``, ``ci_high``: the :math:`\\alpha/2` and :math:`1 - \\alpha/2` quantiles
          of the bootstrap replicates (percentile interval; ``numpy.quantile``'s default,
          R's type 7).
        - ``se``: standard deviation of the replicates (bootstrap standard error).
        - ``n``: rows used; ``n_clusters``: clusters; ``n_boot``: replicates drawn;
          ``n_boot_used``: replicates with a defined ratio (a replicate whose denominator sum
          is 0 is left out).

    Notes
    -----
    Rows with a missing numerator, denominator or cluster are left out. The rows are summed
    per cluster, clusters sorted by their label; a replicate draws :math:`m` clusters with
    replacement from the :math:`m` clusters (:meth:`numpy.random.Generator.integers`) and
    computes :math:`\\sum y^* / \\sum x^*`. The result therefore does not depend on the order
    of the rows, nor on how a cluster's totals are split over rows. Only the clusters are
    resampled (the rows within a cluster stay together), which is the bootstrap for
    cluster-correlated data (Davison & Hinkley 1997, section 3.8; Field & Welsh 2007).

    For large :math:`m` the bootstrap standard error approaches the linearisation (delta
    method) standard error of a ratio estimator (Cochran 1977, section 6.4),
    :math:`\\sqrt{\\sum_i (y_i - \\hat R x_i)^2} / \\sum_i x_i`.

    References
    ----------
    .. [1] Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap, chapter 13.
       Chapman & Hall.
    .. [2] Davison, A. C., & Hinkley, D. V. (1997). Bootstrap Methods and their Application,
       sections 2.7 and 3.8. Cambridge University Press.
    .. [3] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), chapter 6. Wiley.
    .. [4] Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data. Journal of the
       Royal Statistical Society, Series B, 69, 369-390.

    Examples
    --------
    Employer contacts among all logged contacts, three contacts or more per participant:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"person": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    ...                    "employer": [1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1],
    ...                    "contact": [1] * 12})
    >>> res = cluster_bootstrap_ratio(df, "employer", "contact", "person", seed=1)
    >>> res[["estimate", "n", "n_clusters", "n_boot"]]
       estimate   n  n_clusters  n_boot
    0       0.5  12           4    1000
    >>> bool(res.loc[0, "ci_low"] < 0.5 < res.loc[0, "ci_high"])
    True
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [numerator, denominator, cluster])
    check_no_overlap({"numerator": [numerator], "denominator": [denominator],
                      "cluster": [cluster]})
    require_numeric(data, numerator)
    require_numeric(data, denominator)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer (e.g. 1000), got {n_boot!r}")
    if seed is not None and not isinstance(seed, (int, np.integer, np.random.SeedSequence)):
        raise TypeError(f"seed must be an integer or a numpy SeedSequence, got {seed!r}")
    used = data[[numerator, denominator, cluster]].dropna()
    if used.empty:
        raise EstimationError(
            "no_data", f"no rows with '{numerator}', '{denominator}' and '{cluster}' present")
    totals = used.groupby(cluster, sort=True)[[numerator, denominator]].sum()
    num = totals[numerator].to_numpy(float)
    den = totals[denominator].to_numpy(float)
    m = len(totals)
    if m < 2:
        raise EstimationError(
            "too_few", f"only {m} cluster in '{cluster}'; a cluster bootstrap needs at least 2")
    if den.sum() == 0:
        raise EstimationError(
            "no_variance", f"'{denominator}' sums to 0; the ratio is not defined")
    rng = np.random.default_rng(seed)
    replicates = np.empty(int(n_boot))
    block = max(1, min(int(n_boot), _BLOCK // m))
    done = 0
    while done < n_boot:
        k = min(block, int(n_boot) - done)
        index = rng.integers(0, m, size=(k, m))
        with np.errstate(invalid="ignore", divide="ignore"):
            replicates[done:done + k] = num[index].sum(axis=1) / den[index].sum(axis=1)
        done += k
    finite = replicates[np.isfinite(replicates)]
    if len(finite) < 2:
        raise EstimationError(
            "not_estimable", f"fewer than 2 bootstrap replicates have a '{denominator}' sum "
            "above 0")
    row = {
        "estimate": float(num.sum() / den.sum()),
        "ci_low": float(np.quantile(finite, alpha / 2)),
        "ci_high": float(np.quantile(finite, 1 - alpha / 2)),
        "se": float(finite.std(ddof=1)),
        "n": len(used),
        "n_clusters": m,
        "n_boot": int(n_boot),
        "n_boot_used": len(finite),
    }
    return pd.DataFrame([row])
