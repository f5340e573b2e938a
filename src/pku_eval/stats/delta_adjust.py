"""A δ-adjusted (MNAR) tipping-point analysis of a continuous outcome in a two-arm trial.

Multiple imputation (and the mixed model) assume that the unobserved scores are missing at
random (MAR) given what is observed. A pattern-mixture sensitivity analysis asks how far from
MAR the unobserved scores of one arm would have to be for the conclusion to change: every
imputed outcome of that arm is shifted by δ, each completed data set is analysed by ANCOVA
(outcome ~ arm + baseline + covariates, least squares) and the results are pooled by Rubin's
rules with Barnard and Rubin's degrees of freedom; the *tipping point* is the δ nearest 0 at
which the conclusion (interval above 0, below 0 or containing 0) differs from that under MAR.

- :func:`delta_adjusted_ancova`: the pooled arm effect for a grid of δ, from completed data
  sets (e.g. :func:`~pku_eval.stats.imputation.impute_chained`);
- :func:`delta_adjusted_mi`: imputes the baseline and the outcome from covariates within each
  arm, then calls :func:`delta_adjusted_ancova`;
- :func:`delta_tipping_point`: the tipping δ of such a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import as_name_list, require_alpha, require_columns, require_frame, require_numeric
from .errors import EstimationError
from .imputation import impute_chained, rubin_pool

__all__ = ["delta_adjusted_ancova", "delta_adjusted_mi", "delta_tipping_point"]


def _design(part: pd.DataFrame, treat: np.ndarray, baseline: list[str],
            covariates: list[str], levels: dict) -> np.ndarray:
    columns = [np.ones(len(part)), treat]
    for column in baseline:
        columns.append(part[column].to_numpy(float))
    for column in covariates:
        if column in levels:
            values = part[column].astype(str).to_numpy()
            columns += [(values == lv).astype(float) for lv in levels[column][1:]]
        else:
            columns.append(part[column].to_numpy(float))
    return np.column_stack(columns)


def _conclusion(low: float, high: float) -> int:
    return 1 if low > 0 else (-1 if high < 0 else 0)


def delta_adjusted_ancova(
    completed: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    imputed: str,
    baseline: str | Sequence[str] | None = None,
    covariates: str | Sequence[str] | None = None,
    deltas: Sequence[float] = (0.0,),
    shift: object | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The arm effect by ANCOVA over multiply imputed data, the imputed outcomes of one arm
    shifted by δ, pooled by Rubin's rules (Barnard–Rubin degrees of freedom).

    Parameters
    ----------
    completed : pandas.DataFrame
        The completed data sets stacked, with a column ``imputation`` (as
        :func:`~pku_eval.stats.imputation.impute_chained` returns); no missing values in the
        columns used.
    outcome : str
        The (completed) outcome.
    group, treatment, control
        The arm column and its two levels; the estimate is treatment minus control.
    imputed : str
        Boolean column: whether the row's outcome was imputed (missing in the data).
    baseline : str or sequence of str, optional
        Numeric baseline measurement(s) adjusted for (e.g. the score at T0).
    covariates : str or sequence of str, optional
        Further covariates: numeric enter linearly, others as treatment-coded dummies.
    deltas : sequence of float
        The shifts δ (in the outcome's units) added to the imputed outcomes of ``shift``.
    shift : object, optional
        The arm whose imputed outcomes are shifted (default ``treatment``).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        One row per δ (in the order given): ``delta``, ``estimate``, ``se``, ``ci_low``,
        ``ci_high``, ``p_value``, ``df``, ``riv``, ``fmi``, ``m``
        (:func:`~pku_eval.stats.imputation.rubin_pool`) and ``df_complete``.

    Notes
    -----
    In each completed data set the coefficient of the treatment indicator in the least-squares
    fit of :math:`y + \\delta s` (:math:`s` = 1 for an imputed outcome of the shifted arm) is
    :math:`\\hat\\beta(\\delta) = \\hat\\beta_y + \\delta\\hat\\beta_s` and the residuals are
    :math:`r_y + \\delta r_s`, so one fit per imputation gives every δ. Its variance is the
    usual :math:`\\hat\\sigma^2 (X^\\top X)^{-1}_{11}` with :math:`n - p` complete-data degrees
    of freedom, which enter Barnard and Rubin's (1999) small-sample degrees of freedom, as in R
    ``mice::pool()``. δ-adjustment as in the pattern-mixture analyses of Ratitch, O'Kelly &
    Tosiello (2013) and van Buuren (2018, section 9.2).

    References
    ----------
    .. [1] van Buuren, S. (2018). Flexible Imputation of Missing Data (2nd ed.), section 9.2
       ("δ-adjustment"). Chapman & Hall/CRC.
    .. [2] Ratitch, B., O'Kelly, M., & Tosiello, R. (2013). Missing data in clinical trials:
       from clinical assumptions to statistical analysis using pattern mixture models.
       Pharmaceutical Statistics, 12, 337-347.
    .. [3] Barnard, J., & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
       imputation. Biometrika, 86, 948-955.

    Examples
    --------
    >>> import pandas as pd
    >>> done = pd.DataFrame({"imputation": [1] * 6 + [2] * 6,
    ...                      "arm": ["t", "t", "t", "c", "c", "c"] * 2,
    ...                      "y": [3.0, 4.0, 5.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 1.0, 2.0, 3.0],
    ...                      "imp": [False, False, True, False, False, False] * 2})
    >>> res = delta_adjusted_ancova(done, "y", "arm", "t", "c", "imp", deltas=[0.0, -1.0])
    >>> res[["delta", "estimate"]]
       delta  estimate
    0    0.0  1.833333
    1   -1.0  1.500000
    """
    require_frame(completed)
    alpha = require_alpha(alpha)
    baseline_list = as_name_list(baseline, "baseline")
    covariate_list = as_name_list(covariates, "covariates")
    require_columns(completed, ["imputation", outcome, group, imputed, *baseline_list,
                                *covariate_list])
    for column in (outcome, *baseline_list):
        require_numeric(completed, column)
    grid = np.asarray(list(deltas), dtype=float)
    if grid.ndim != 1 or len(grid) == 0 or not np.isfinite(grid).all():
        raise ValueError("deltas must be a non-empty sequence of finite numbers")
    shifted_arm = treatment if shift is None else shift
    if shifted_arm not in (treatment, control):
        raise ValueError(f"shift must be the treatment or the control level, got {shift!r}")
    used = completed[completed[group].isin([treatment, control])]
    if used[[outcome, *baseline_list, *covariate_list]].isna().any().any():
        raise ValueError("completed has missing values in the analysed columns; impute first")
    levels = {c: sorted(used[c].astype(str).unique()) for c in covariate_list
              if used[c].dtype.kind not in "biuf"}
    rows, dfc = [], None
    treat_all = (used[group] == treatment).to_numpy(float)
    design = _design(used, treat_all, baseline_list, covariate_list, levels)
    y_all = used[outcome].to_numpy(float)
    s_all = (used[imputed].to_numpy(bool) & (used[group] == shifted_arm).to_numpy()).astype(float)
    imputation = used["imputation"].to_numpy()
    for k in np.unique(imputation):
        at = imputation == k
        treat, x = treat_all[at], design[at]
        if treat.min() == treat.max():
            raise EstimationError("no_data", "an arm has no rows in an imputation")
        x = x[:, np.r_[True, True, x[:, 2:].std(axis=0) > 0]]
        n, p = x.shape
        if n - p < 1:
            raise EstimationError("too_few", f"{n} rows are too few for {p} coefficients")
        xtx = x.T @ x
        if np.linalg.matrix_rank(xtx) < p:
            raise EstimationError("singular", "the ANCOVA design is rank-deficient")
        inverse = np.linalg.inv(xtx)
        y, s = y_all[at], s_all[at]
        b_y, b_s = inverse @ (x.T @ y), inverse @ (x.T @ s)
        r_y, r_s = y - x @ b_y, s - x @ b_s
        rss = r_y @ r_y + 2 * grid * (r_y @ r_s) + grid ** 2 * (r_s @ r_s)
        se = np.sqrt(np.maximum(rss, 0) / (n - p) * inverse[1, 1])
        rows.append(pd.DataFrame({"delta": grid, "estimate": b_y[1] + grid * b_s[1], "se": se,
                                  "imputation": k}))
        dfc = n - p if dfc is None else min(dfc, n - p)
    per = pd.concat(rows, ignore_index=True)
    per["_order"] = np.tile(np.arange(len(grid)), len(rows))
    pooled = rubin_pool(per, by="_order", alpha=alpha, df_complete=float(dfc))
    pooled.insert(0, "delta", grid[pooled["_order"].to_numpy()])
    return pooled.drop(columns="_order").assign(df_complete=int(dfc))


def delta_tipping_point(table: pd.DataFrame) -> float | None:
    """The δ nearest 0 in ``table`` (from :func:`delta_adjusted_ancova`, with δ = 0 in it) at
    which the conclusion differs from that at δ = 0: the interval above 0, below 0, or
    containing 0. ``None`` when no δ of the table changes it.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"delta": [-0.2, -0.1, 0.0, 0.1],
    ...                   "ci_low": [-0.05, 0.01, 0.1, 0.2], "ci_high": [0.3, 0.4, 0.5, 0.6]})
    >>> delta_tipping_point(t)
    -0.2
    """
    require_columns(table, ["delta", "ci_low", "ci_high"])
    at_zero = table[np.isclose(table["delta"], 0.0)]
    if at_zero.empty:
        raise ValueError("the table needs a row with delta 0 (the MAR analysis)")
    mar = _conclusion(at_zero["ci_low"].iloc[0], at_zero["ci_high"].iloc[0])
    changed = table[[_conclusion(lo, hi) != mar
                     for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)]]
    if changed.empty:
        return None
    order = np.lexsort((changed["delta"].to_numpy(), np.abs(changed["delta"].to_numpy())))
    return float(changed["delta"].iloc[order[0]])


def delta_adjusted_mi(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    treatment: object,
    control: object,
    baseline: str | None = None,
    covariates: str | Sequence[str] | None = None,
    deltas: Sequence[float] = (0.0,),
    shift: object | None = None,
    m: int = 20,
    n_iter: int = 10,
    seed: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Impute the missing outcomes (and baselines) within each arm, then
    :func:`delta_adjusted_ancova`.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per randomised person, those without any score included (NaN).
    outcome, group, treatment, control, deltas, shift, alpha
        As in :func:`delta_adjusted_ancova`.
    baseline : str, optional
        Numeric baseline measurement (may be missing: imputed together with the outcome).
    covariates : str or sequence of str, optional
        Complete baseline covariates: predictors of the imputation (chained equations, the
        ``norm`` method, separately by arm) and covariates of the ANCOVA.
    m, n_iter, seed
        Imputations, iterations per chain and seed of
        :func:`~pku_eval.stats.imputation.impute_chained`.

    Returns
    -------
    pandas.DataFrame
        As :func:`delta_adjusted_ancova`.
    """
    require_frame(data)
    covariate_list = as_name_list(covariates, "covariates")
    baseline_list = as_name_list(baseline, "baseline")
    require_columns(data, [outcome, group, *baseline_list, *covariate_list])
    frame = data[data[group].isin([treatment, control])]
    frame = frame[frame[covariate_list].notna().all(axis=1)].reset_index(drop=True)
    frame = frame.assign(_imputed=frame[outcome].isna())
    completed = impute_chained(frame, [*baseline_list, outcome], predictors=covariate_list,
                               by=group, m=m, n_iter=n_iter, seed=seed)
    return delta_adjusted_ancova(completed, outcome, group, treatment, control, "_imputed",
                                 baseline_list, covariate_list, deltas, shift, alpha)
