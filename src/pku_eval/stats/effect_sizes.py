"""Effect sizes for reporting: Hedges' g and the number needed to treat.

:func:`hedges_g` takes one row per observation (long format), like the other functions of the
package; :func:`number_needed_to_treat` takes a risk difference and its confidence limits (or a
result of :func:`~pku_eval.stats.risk_difference` or
:func:`~pku_eval.stats.mantel_haenszel_rd`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from ._checks import (
    check_no_overlap,
    require_alpha,
    require_columns,
    require_frame,
    require_levels,
    require_numeric,
)
from .errors import EstimationError

__all__ = ["hedges_g", "number_needed_to_treat"]

_EVENT_KINDS = ("beneficial", "harmful")


def _small_sample_correction(df: int) -> float:
    """Hedges' exact bias correction J(m) = Γ(m/2) / {√(m/2) Γ((m-1)/2)}."""
    return float(np.exp(special.gammaln(df / 2) - 0.5 * np.log(df / 2)
                        - special.gammaln((df - 1) / 2)))


def hedges_g(
    data: pd.DataFrame,
    value: str,
    group: str,
    treatment: object,
    control: object,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Standardised mean difference with Hedges' small-sample correction (Hedges' g).

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, one row per observation; rows of other groups are ignored.
    value : str
        Numeric column; missing values are left out.
    group : str
        Column with the group of each row.
    treatment, control : object
        The levels of ``group`` to compare (treatment minus control).
    alpha : float
        Significance level; ``0.05`` gives a 95% interval.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        - ``estimate``: Hedges' :math:`g = J(m)\\,d`.
        - ``ci_low``, ``ci_high``: Wald interval :math:`g \\mp z\\,SE`.
        - ``se``: large-sample standard error of :math:`g`.
        - ``cohen_d``: :math:`d = (\\bar x_t - \\bar x_c)/s_p` without the correction.
        - ``correction``: :math:`J(m)`.
        - ``sd_pooled``: :math:`s_p`.
        - ``n_treatment``, ``mean_treatment``, ``sd_treatment``, ``n_control``,
          ``mean_control``, ``sd_control``: size, mean and SD of each group.

    Notes
    -----
    With :math:`s_p^2 = \\{(n_t - 1)s_t^2 + (n_c - 1)s_c^2\\}/m`, :math:`m = n_t + n_c - 2`,
    the exact correction :math:`J(m) = \\Gamma(m/2) / \\{\\sqrt{m/2}\\,\\Gamma((m-1)/2)\\}`
    (approximately :math:`1 - 3/(4m - 1)`) and the large-sample variance (Hedges & Olkin 1985,
    eq. 5.15)

    .. math::

        \\widehat{\\operatorname{var}}(g) = \\frac{1}{n_t} + \\frac{1}{n_c}
        + \\frac{g^2}{2(n_t + n_c)}.

    These are R's ``metafor::escalc(measure = "SMD")`` (default ``vtype = "LS"``).

    References
    ----------
    .. [1] Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
       related estimators. Journal of Educational Statistics, 6, 107-128.
    .. [2] Hedges, L. V., & Olkin, I. (1985). Statistical Methods for Meta-Analysis.
       Academic Press.
    .. [3] Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package.
       Journal of Statistical Software, 36(3), 1-48.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": ["t"] * 5 + ["c"] * 5,
    ...                    "score": [5.0, 6.0, 7.0, 8.0, 9.0, 4.0, 5.0, 5.5, 6.0, 7.5]})
    >>> res = hedges_g(df, "score", "arm", "t", "c")
    >>> res[["estimate", "ci_low", "ci_high", "cohen_d", "correction"]].round(3)
       estimate  ci_low  ci_high  cohen_d  correction
    0     0.875  -0.423    2.172    0.969       0.903
    """
    require_frame(data)
    alpha = require_alpha(alpha)
    require_columns(data, [value, group])
    check_no_overlap({"value": [value], "group": [group]})
    require_numeric(data, value)
    require_levels(data, group, [treatment, control], "treatment and control")
    samples = {}
    for label, level in (("treatment", treatment), ("control", control)):
        values = data.loc[data[group] == level, value].dropna().astype(float).to_numpy()
        if len(values) < 2:
            raise EstimationError(
                "too_few",
                f"group '{level}' of '{group}' has {len(values)} non-missing value(s) of "
                f"'{value}'; a standardised difference needs at least 2 per group",
            )
        samples[label] = values
    x_t, x_c = samples["treatment"], samples["control"]
    n_t, n_c = len(x_t), len(x_c)
    df = n_t + n_c - 2
    if df < 2:
        raise EstimationError("too_few", "Hedges' correction needs at least 4 observations in all")
    sd_pooled = float(np.sqrt(((n_t - 1) * x_t.var(ddof=1) + (n_c - 1) * x_c.var(ddof=1)) / df))
    if sd_pooled == 0:
        raise EstimationError(
            "no_variance",
            f"'{value}' is constant within both groups; the standardised difference is undefined",
        )
    d = float((x_t.mean() - x_c.mean()) / sd_pooled)
    correction = _small_sample_correction(df)
    g = correction * d
    se = float(np.sqrt(1 / n_t + 1 / n_c + g**2 / (2 * (n_t + n_c))))
    z_crit = stats.norm.isf(alpha / 2)
    row = {
        "estimate": g,
        "ci_low": float(g - z_crit * se),
        "ci_high": float(g + z_crit * se),
        "se": se,
        "cohen_d": d,
        "correction": correction,
        "sd_pooled": sd_pooled,
        "n_treatment": n_t,
        "mean_treatment": float(x_t.mean()),
        "sd_treatment": float(x_t.std(ddof=1)),
        "n_control": n_c,
        "mean_control": float(x_c.mean()),
        "sd_control": float(x_c.std(ddof=1)),
    }
    return pd.DataFrame([row])


def number_needed_to_treat(
    risk_difference: float | pd.DataFrame,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    event_is: str,
) -> pd.DataFrame:
    """Number needed to treat, with Altman's (1998) confidence interval.

    Parameters
    ----------
    risk_difference : float or pandas.DataFrame
        Risk difference treatment minus control (a proportion between -1 and 1), or a result of
        :func:`~pku_eval.stats.risk_difference`, :func:`~pku_eval.stats.mantel_haenszel_rd` or
        :func:`~pku_eval.stats.km_risk_difference` (columns ``estimate``, ``ci_low``,
        ``ci_high``), giving one row per row.
    ci_low, ci_high : float
        Confidence limits of the risk difference (when ``risk_difference`` is a number).
    event_is : {"beneficial", "harmful"}
        Whether the event counted by the risk is good for the person (e.g. finding a job; a
        positive difference is then a benefit of treatment) or bad (e.g. relapse; a negative
        difference is a benefit). Keyword only, and required.

    Returns
    -------
    pandas.DataFrame
        One row (per input row) with columns

        - ``estimate``: :math:`1/\\mathrm{ARR}`, where :math:`\\mathrm{ARR}` is the risk
          difference oriented so that positive values mean benefit. Positive values are a
          number needed to treat for one more person to benefit (NNTB), negative values for one
          more to be harmed (NNTH, its absolute value); ``inf`` when the difference is 0.
        - ``ci_low``, ``ci_high``: :math:`1/\\mathrm{ARR}_{upper}` and
          :math:`1/\\mathrm{ARR}_{lower}`, on the same signed scale. When the interval of the
          difference excludes 0 they are the limits of the interval for the NNT; when it
          includes 0 the interval runs from ``ci_low`` (an NNTB) through infinity to
          ``ci_high`` (an NNTH), and ``crosses_infinity`` is true.
        - ``nnt``: :math:`|1/\\mathrm{ARR}|`; ``kind``: ``"NNTB"`` or ``"NNTH"`` (empty when
          the difference is missing).
        - ``crosses_infinity``: whether the interval of the difference includes 0.
        - ``text``: the result as Altman recommends it be reported, e.g.
          ``"NNTB 10.0 (NNTH 20.0 to ∞ to NNTB 4.0)"``.
        - ``arr``, ``arr_ci_low``, ``arr_ci_high``: the benefit-oriented difference and its
          limits.

    Notes
    -----
    The interval for the NNT is obtained by inverting the limits of the interval for the
    absolute risk reduction (Altman 1998): for :math:`\\mathrm{ARR} \\in (L, U)` with
    :math:`0 < L`, the NNTB lies in :math:`(1/U, 1/L)`. When :math:`L < 0 < U`, the interval
    is "NNTH :math:`1/|L|` to :math:`\\infty` to NNTB :math:`1/U`", since an ARR near 0
    corresponds to a very large number needed to treat. The interval is exactly as good as the
    interval of the difference it comes from; the NNT is left unrounded (round up, if at all,
    only for display).

    References
    ----------
    .. [1] Altman, D. G. (1998). Confidence intervals for the number needed to treat. BMJ,
       317, 1309-1312.
    .. [2] Laupacis, A., Sackett, D. L., & Roberts, R. S. (1988). An assessment of clinically
       useful measures of the consequences of treatment. New England Journal of Medicine, 318,
       1728-1733.

    Examples
    --------
    Altman's (1998) example: an absolute risk reduction of 10% with 95% CI -5% to 25%, for an
    outcome to be prevented (risk difference treatment minus control -0.10, CI -0.25 to 0.05):

    >>> res = number_needed_to_treat(-0.10, -0.25, 0.05, event_is="harmful")
    >>> res[["estimate", "ci_low", "ci_high", "crosses_infinity"]]
       estimate  ci_low  ci_high  crosses_infinity
    0      10.0     4.0    -20.0              True
    >>> print(res.loc[0, "text"])
    NNTB 10.0 (NNTH 20.0 to ∞ to NNTB 4.0)
    """
    if event_is not in _EVENT_KINDS:
        raise ValueError(
            f"event_is must be 'beneficial' (the event is good, e.g. a job) or 'harmful' "
            f"(the event is bad, e.g. relapse), got {event_is!r}"
        )
    if isinstance(risk_difference, pd.DataFrame):
        if ci_low is not None or ci_high is not None:
            raise TypeError("give ci_low and ci_high only with a number, not with a DataFrame")
        require_columns(risk_difference, ["estimate", "ci_low", "ci_high"])
        triples = risk_difference[["estimate", "ci_low", "ci_high"]].to_numpy(float)
    else:
        if ci_low is None or ci_high is None:
            raise TypeError(
                "give the confidence limits ci_low and ci_high of the risk difference "
                "(or pass the DataFrame returned by risk_difference)"
            )
        try:
            triples = np.array([[risk_difference, ci_low, ci_high]], dtype=float)
        except (TypeError, ValueError):
            raise TypeError(
                "risk_difference, ci_low and ci_high must be numbers "
                f"(got {risk_difference!r}, {ci_low!r}, {ci_high!r})"
            ) from None
    sign = 1.0 if event_is == "beneficial" else -1.0
    rows = []
    for estimate, low, high in triples:
        finite = np.isfinite([estimate, low, high])
        if finite.all():
            if not low <= estimate <= high:
                raise ValueError(
                    f"the limits must enclose the estimate: got {low} <= {estimate} <= {high}"
                )
            if min(low, estimate, high) < -1 or max(low, estimate, high) > 1:
                raise ValueError(
                    "a risk difference lies between -1 and 1 (give proportions, not percents); "
                    f"got {estimate} ({low}, {high})"
                )
        arr = sign * estimate
        arr_low, arr_high = sorted([sign * low, sign * high]) if finite[1:].all() else (
            np.nan, np.nan)
        with np.errstate(divide="ignore"):
            nnt = np.divide(1.0, arr) if arr != 0 else np.inf
            nnt_low = np.divide(1.0, arr_high) if arr_high != 0 else np.inf
            nnt_high = np.divide(1.0, arr_low) if arr_low != 0 else -np.inf
        crosses = bool(arr_low <= 0 <= arr_high) if finite[1:].all() else False
        rows.append(
            {
                "estimate": float(nnt),
                "ci_low": float(nnt_low),
                "ci_high": float(nnt_high),
                "nnt": float(abs(nnt)),
                "kind": "NNTB" if nnt > 0 else ("NNTH" if nnt < 0 else ""),
                "crosses_infinity": crosses,
                "text": _altman_text(nnt, nnt_low, nnt_high, crosses),
                "arr": float(arr),
                "arr_ci_low": float(arr_low),
                "arr_ci_high": float(arr_high),
            }
        )
    return pd.DataFrame(rows)


def _altman_label(nnt: float) -> str:
    """'NNTB 4.0' for positive, 'NNTH 20.0' for negative, '∞' for infinite values."""
    if np.isnan(nnt):
        return "NaN"
    if np.isinf(nnt):
        return "∞"
    return f"{'NNTB' if nnt > 0 else 'NNTH'} {abs(nnt):.1f}"


def _altman_text(nnt: float, low: float, high: float, crosses: bool) -> str:
    """Altman's presentation: the NNT with its interval in the order of the ARR limits."""
    point = _altman_label(nnt)
    if np.isnan(low) or np.isnan(high):
        return point
    if crosses:
        return f"{point} ({_altman_label(high)} to ∞ to {_altman_label(low)})"
    # same sign: list the limits from the smaller to the larger number needed
    first, second = sorted([low, high], key=abs)
    return f"{point} ({_altman_label(first)} to {_altman_label(second)})"
