"""Linear mixed models with a random intercept per subject (repeated measures).

:func:`fit_random_intercept` fits any fixed-effects formula with a random intercept and returns
the tidy fixed-effects table; :func:`arm_by_wave` uses it for the trial's question: how much
more did the treatment arm change from baseline to each later wave than the control arm?
"""

from __future__ import annotations

import warnings
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

__all__ = ["arm_by_wave", "fit_random_intercept"]


def fit_random_intercept(
    data: pd.DataFrame,
    formula: str,
    subject: str,
    reml: bool = True,
    alpha: float = 0.05,
    include_random: bool = False,
) -> pd.DataFrame:
    """Fit a linear mixed model with a random intercept per subject; tidy fixed effects.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per observation (e.g. per subject and wave).
    formula : str
        Fixed-effects part as a patsy formula, e.g. ``"score ~ arm * wave + office"``. Rows with
        a missing value in any variable of the formula or in ``subject`` are left out; all
        other rows are used (no complete-case deletion across waves).
    subject : str
        Column identifying the subject that the random intercept belongs to.
    reml : bool
        Restricted maximum likelihood (default, as ``lme4::lmer``) or, if ``False``, maximum
        likelihood.
    alpha : float
        Significance level; ``0.05`` gives 95% Wald intervals.
    include_random : bool
        Also return two rows for the variance components (see Returns).

    Returns
    -------
    pandas.DataFrame
        One row per fixed-effect term, in the order of the design matrix, with columns

        - ``effect``: ``"fixed"``; ``"random"`` for the variance-component rows.
        - ``term``: the term as patsy names it (``"Intercept"``, ``"Days"``,
          ``"office[T.moss]"``, ...).
        - ``estimate``: the coefficient.
        - ``se``: its standard error.
        - ``ci_low``, ``ci_high``: Wald interval, :math:`\\hat\\beta \\mp z\\,SE`.
        - ``p_value``: two-sided Wald (normal) p for :math:`\\beta = 0`.

        With ``include_random=True`` two rows follow: ``sd__(Intercept)``, the standard
        deviation of the random intercepts, and ``sd__Observation``, the residual standard
        deviation (as ``broom.mixed`` names them), with ``NaN`` in the other columns.

    Notes
    -----
    Model: :math:`y_{ij} = x_{ij}^\\top \\beta + u_i + \\varepsilon_{ij}`,
    :math:`u_i \\sim N(0, \\sigma_u^2)`, :math:`\\varepsilon_{ij} \\sim N(0, \\sigma^2)`,
    fitted by ``statsmodels`` ``MixedLM`` (REML by default). Inference is Wald-type with the
    normal distribution (as ``statsmodels``); with few subjects a Satterthwaite or
    Kenward-Roger t reference (``lmerTest``) gives slightly wider intervals. A warning is
    raised when the optimiser reports no convergence.

    References
    ----------
    .. [1] Laird, N. M., & Ware, J. H. (1982). Random-effects models for longitudinal data.
       Biometrics, 38, 963-974.
    .. [2] Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
       models using lme4. Journal of Statistical Software, 67(1), 1-48.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "id": ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d"] * 3,
    ...     "day": [0, 1, 2] * 4,
    ...     "y": [1.0, 2.1, 2.9, 2.2, 3.0, 4.1, 0.4, 1.6, 2.4, 1.5, 2.4, 3.7],
    ... })
    >>> res = fit_random_intercept(df, "y ~ day", subject="id")
    >>> res[["term", "estimate"]].round(3)
            term  estimate
    0  Intercept     1.275
    1        day     1.000
    """
    import statsmodels.formula.api as smf

    require_frame(data)
    alpha = require_alpha(alpha)
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must be a string like 'score ~ arm * wave', got {formula!r}")
    require_columns(data, [subject])
    used = data.loc[data[subject].notna()]
    model = smf.mixedlm(formula, used, groups=used[subject], missing="drop")
    if model.n_groups < 2:
        raise EstimationError(
            "too_few", f"need at least two subjects in column '{subject}' to fit the model")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = model.fit(reml=reml)
        except np.linalg.LinAlgError as exc:
            raise EstimationError(
                "singular", f"mixed model '{formula}' could not be fitted: {exc}") from exc
    for warning in caught:
        if not issubclass(warning.category, FutureWarning):
            warnings.warn(
                f"mixed model '{formula}': {warning.message}",
                category=warning.category,
                stacklevel=2,
            )
    if not fit.converged:
        warnings.warn(f"mixed model '{formula}' did not converge", RuntimeWarning, stacklevel=2)
    names = list(model.exog_names)
    estimate = fit.fe_params[names].to_numpy(float)
    se = fit.bse_fe[names].to_numpy(float)
    z = stats.norm.isf(alpha / 2)
    table = pd.DataFrame(
        {
            "effect": "fixed",
            "term": names,
            "estimate": estimate,
            "se": se,
            "ci_low": estimate - z * se,
            "ci_high": estimate + z * se,
            "p_value": 2 * stats.norm.sf(np.abs(estimate / se)),
        }
    )
    if include_random:
        random = pd.DataFrame(
            {
                "effect": "random",
                "term": ["sd__(Intercept)", "sd__Observation"],
                "estimate": [
                    float(np.sqrt(fit.cov_re.iloc[0, 0])),
                    float(np.sqrt(fit.scale)),
                ],
            }
        )
        table = pd.concat([table, random], ignore_index=True)
    return table


def _wave_order(values: pd.Series) -> list[object]:
    """Waves in their natural order: categorical order if given, else sorted."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().unique())
        return [level for level in values.cat.categories if level in present]
    return sorted(values.dropna().unique(), key=str)


def checked_panel(data: pd.DataFrame, score: str, arm: str, wave: str, subject: str,
                  treatment: object, control: object, baseline: object,
                  covariates) -> tuple[pd.DataFrame, list, list[tuple[int, int]], list[str]]:
    """Input checks and the rows used by :func:`arm_by_wave` (and its fast engine): returns the
    rows of the two arms without missing values, the waves after baseline in order, the
    subjects per arm at each of those waves, and the covariate names."""
    require_frame(data)
    covariate_list = as_name_list(covariates, "covariates")
    require_columns(data, [score, arm, wave, subject, *covariate_list])
    check_no_overlap(
        {
            "score": [score],
            "arm": [arm],
            "wave": [wave],
            "subject": [subject],
            "covariate": covariate_list,
        }
    )
    require_numeric(data, score)
    require_levels(data, arm, [treatment, control], "treatment and control")
    require_levels(data, wave, [baseline], "baseline")
    used = data.loc[data[arm].isin([treatment, control]), [score, arm, wave, subject,
                                                           *covariate_list]].dropna()
    duplicated = used.duplicated([subject, wave])
    if duplicated.any():
        first = used.loc[duplicated, [subject, wave]].iloc[0]
        raise ValueError(
            f"subject {first[subject]!r} has more than one row at wave {first[wave]!r}; "
            "arm_by_wave expects one row per subject and wave"
        )
    if used.groupby(subject, observed=True)[arm].nunique().gt(1).any():
        raise ValueError(f"some subject in '{subject}' appears in both arms")
    later = [w for w in _wave_order(used[wave]) if w != baseline]
    if not later:
        raise EstimationError(
            "no_data", f"no rows at a wave after baseline {baseline!r} in column '{wave}'")
    is_treatment = (used[arm] == treatment).to_numpy()
    counts = []
    for level in later:
        at_wave = (used[wave] == level).to_numpy()
        n_t, n_c = int((is_treatment & at_wave).sum()), int((~is_treatment & at_wave).sum())
        if n_t == 0 or n_c == 0:
            raise EstimationError(
                "no_data",
                f"wave {level!r} has rows in only one arm (treatment {n_t}, control {n_c}); "
                "the difference in change cannot be estimated - leave that wave out",
            )
        counts.append((n_t, n_c))
    return used, later, counts, covariate_list


def arm_by_wave(
    data: pd.DataFrame,
    score: str,
    arm: str,
    wave: str,
    subject: str,
    treatment: object,
    control: object,
    baseline: object = "T0",
    covariates: str | Sequence[str] = ("office",),
    reml: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Difference between two arms in change from baseline, per wave, by a mixed model.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per subject and wave answered. Rows of other arms are ignored;
        rows with a missing score, wave, subject or covariate are left out, every other row is
        used (a subject who answered only some waves still counts).
    score : str
        Numeric outcome column (e.g. a scale score).
    arm : str
        Column with the arm of each subject.
    wave : str
        Column with the wave (measurement occasion). Later waves are ordered by the categories
        if the column is an ordered categorical, otherwise by their sorted labels.
    subject : str
        Column identifying the subject (random intercept).
    treatment, control : object
        The levels of ``arm`` to compare (treatment minus control).
    baseline : object
        The level of ``wave`` that is the baseline.
    covariates : str or sequence of str
        Columns adjusted for (default ``("office",)``). Numeric columns enter linearly, other
        columns as categorical factors. Use ``()`` for none.
    reml : bool
        Restricted maximum likelihood (default) or maximum likelihood.
    alpha : float
        Significance level; ``0.05`` gives 95% Wald intervals.

    Returns
    -------
    pandas.DataFrame
        One row per wave after baseline, with columns

        - ``wave``: the wave.
        - ``estimate``: the arm × wave interaction: (mean change from baseline to this wave under
          treatment) minus (the same under control).
        - ``se``: its standard error.
        - ``ci_low``, ``ci_high``: Wald interval.
        - ``p_value``: two-sided Wald p.
        - ``n_subjects``, ``n_obs``: subjects and rows in the model (the same on every row).
        - ``n_treatment``, ``n_control``: subjects observed at this wave in each arm.

    Notes
    -----
    Model (:func:`fit_random_intercept`):

    .. math::

        y_{ij} = \\beta_0 + \\beta_1 A_i + \\sum_w \\gamma_w W_{jw}
                 + \\sum_w \\delta_w A_i W_{jw} + \\eta^\\top x_{ij} + u_i + \\varepsilon_{ij}

    with :math:`A_i = 1` for treatment, :math:`W_{jw} = 1` at wave :math:`w` (baseline is the
    reference), covariates :math:`x`, random intercept :math:`u_i \\sim N(0, \\sigma_u^2)`,
    fitted by REML. ``estimate`` is :math:`\\delta_w`. Because all available rows enter, the
    estimate is valid when data are missing at random given the observed scores.

    References
    ----------
    .. [1] Fitzmaurice, G. M., Laird, N. M., & Ware, J. H. (2011). Applied Longitudinal
       Analysis (2nd ed.), chapter 5. Wiley.
    .. [2] Twisk, J., et al. (2018). Different ways to estimate treatment effects in randomised
       controlled trials. Contemporary Clinical Trials Communications, 10, 80-85.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "pid": [f"P{i}" for i in range(8) for _ in range(2)],
    ...     "arm": ["t"] * 8 + ["c"] * 8,
    ...     "wave": ["T0", "T1"] * 8,
    ...     "score": [2.0, 3.1, 2.5, 3.4, 1.8, 3.0, 2.2, 3.3,
    ...               2.1, 2.3, 2.6, 2.7, 1.9, 2.2, 2.4, 2.4],
    ... })
    >>> res = arm_by_wave(df, "score", "arm", "wave", "pid", "t", "c", covariates=())
    >>> res[["wave", "estimate", "n_subjects", "n_obs"]].round(3)
      wave  estimate  n_subjects  n_obs
    0   T1     0.925           8     16
    """
    alpha = require_alpha(alpha)
    used, later, counts, covariate_list = checked_panel(
        data, score, arm, wave, subject, treatment, control, baseline, covariates)
    is_treatment = (used[arm] == treatment).astype(float)
    frame = pd.DataFrame(
        {"y": used[score].astype(float), "subject": used[subject], "treat": is_treatment}
    )
    terms = ["treat"]
    for k, level in enumerate(later):
        at_wave = (used[wave] == level).astype(float)
        frame[f"wave_{k}"] = at_wave
        frame[f"treat_x_wave_{k}"] = is_treatment * at_wave
        terms += [f"wave_{k}", f"treat_x_wave_{k}"]
    for k, column in enumerate(covariate_list):
        values = used[column]
        if values.dtype.kind in "iuf":
            frame[f"covariate_{k}"] = values.astype(float)
            terms.append(f"covariate_{k}")
        elif values.nunique() > 1:
            frame[f"covariate_{k}"] = values.astype(str)
            terms.append(f"C(covariate_{k})")
    table = fit_random_intercept(
        frame, "y ~ " + " + ".join(terms), subject="subject", reml=reml, alpha=alpha
    )
    table = table.set_index("term")
    rows = []
    for k, level in enumerate(later):
        fitted = table.loc[f"treat_x_wave_{k}"]
        rows.append(
            {
                "wave": level,
                "estimate": float(fitted["estimate"]),
                "se": float(fitted["se"]),
                "ci_low": float(fitted["ci_low"]),
                "ci_high": float(fitted["ci_high"]),
                "p_value": float(fitted["p_value"]),
                "n_subjects": int(frame["subject"].nunique()),
                "n_obs": len(frame),
                "n_treatment": counts[k][0],
                "n_control": counts[k][1],
            }
        )
    return pd.DataFrame(rows)
