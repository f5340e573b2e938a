"""Statistical functions of the evaluation suite (pingouin style).

Each function takes a long-format DataFrame plus column names and returns one tidy DataFrame
with fixed snake_case columns (``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``n``, ...),
unrounded. One module per family of methods:

- :mod:`~pku_eval.stats.proportions`: ``risk_difference``, ``risk_ratio``, ``odds_ratio``,
  ``adjusted_odds_ratio``, ``wilson_interval``
- :mod:`~pku_eval.stats.cox`: ``cox_hazard_ratio``, ``proportional_hazards_test``; :mod:`~pku_eval.stats.survival`: ``kaplan_meier``, ``km_median``,
  ``logrank``, ``proportional_hazards_test``
- :mod:`~pku_eval.stats.mixed`: ``arm_by_wave``, ``fit_random_intercept``
- :mod:`~pku_eval.stats.reliability`: ``cronbach_alpha``, ``mcdonald_omega``
- :mod:`~pku_eval.stats.missing`: ``little_mcar``
- :mod:`~pku_eval.stats.means`: ``welch_difference``, ``paired_difference``, ``mean_ci``
- :mod:`~pku_eval.stats.stratified`: ``mantel_haenszel_rd``
- :mod:`~pku_eval.stats.survival_contrasts`: ``km_risk_difference``, ``rmst_difference``
- :mod:`~pku_eval.stats.effect_sizes`: ``hedges_g``, ``number_needed_to_treat``
- :mod:`~pku_eval.stats.multiplicity`: ``holm``
- :mod:`~pku_eval.stats.bootstrap`: ``cluster_bootstrap_ratio``
- :mod:`~pku_eval.stats.clustered`: ``cluster_robust_ols``, ``risk_difference_clustered``,
  ``partially_nested_effect``
- :mod:`~pku_eval.stats.sensitivity`: ``missing_outcome_bounds``, ``mi_risk_difference``,
  ``tipping_point``, ``half_width_forecast``, ``n_for_half_width``, ``half_width_at_sizes``
- :mod:`~pku_eval.stats.delta_adjust`: ``delta_adjusted_ancova``, ``delta_adjusted_mi``,
  ``delta_tipping_point``
- :mod:`~pku_eval.stats.weighting`: ``propensity_weights``, ``balance_table``,
  ``ipw_difference``
- :mod:`~pku_eval.stats.change`: ``one_sample_t``, ``reliable_change``, ``percentile_bands``

The functions can be imported from here (``from pku_eval.stats import risk_difference``); a
module is imported on first use, so that importing the package stays fast.

When the data cannot give an estimate (too few people, no events, no variation, a model that
cannot be fitted) a function raises :class:`~pku_eval.stats.errors.EstimationError` (a
``ValueError``) whose ``reason`` is a code from :data:`~pku_eval.stats.errors.REASONS`; wrong
input raises ``TypeError`` or a plain ``ValueError``. Chapters catch ``EstimationError`` only
and use ``exc.reason``, so that a bug still stops the build.
"""

from __future__ import annotations

import importlib

from .errors import REASONS as REASONS
from .errors import EstimationError

_FUNCTIONS = {
    "wilson_interval": "proportions",
    "risk_difference": "proportions",
    "risk_ratio": "proportions",
    "odds_ratio": "proportions",
    "adjusted_odds_ratio": "proportions",
    "cox_hazard_ratio": "cox",
    "kaplan_meier": "survival",
    "logrank": "survival",
    "fit_random_intercept": "mixed",
    "arm_by_wave": "mixed",
    "cronbach_alpha": "reliability",
    "mcdonald_omega": "reliability",
    "little_mcar": "missing",
    "welch_difference": "means",
    "paired_difference": "means",
    "mean_ci": "means",
    "arm_by_wave_fast": "mixed_fast",
    "fit_random_intercept_fast": "mixed_fast",
    "reml_random_intercept": "mixed_fast",
    "impute_chained": "imputation",
    "rubin_pool": "imputation",
    "delta_adjusted_ancova": "delta_adjust",
    "delta_adjusted_mi": "delta_adjust",
    "delta_tipping_point": "delta_adjust",
    "mantel_haenszel_rd": "stratified",
    "km_risk_difference": "survival_contrasts",
    "rmst_difference": "survival_contrasts",
    "hedges_g": "effect_sizes",
    "number_needed_to_treat": "effect_sizes",
    "holm": "multiplicity",
    "km_median": "survival",
    "proportional_hazards_test": "cox",
    "cluster_bootstrap_ratio": "bootstrap",
    "cluster_robust_ols": "clustered",
    "risk_difference_clustered": "clustered",
    "partially_nested_effect": "clustered",
    "missing_outcome_bounds": "sensitivity",
    "mi_risk_difference": "sensitivity",
    "tipping_point": "sensitivity",
    "half_width_forecast": "sensitivity",
    "n_for_half_width": "sensitivity",
    "half_width_at_sizes": "sensitivity",
    "propensity_weights": "weighting",
    "balance_table": "weighting",
    "ipw_difference": "weighting",
    "one_sample_t": "change",
    "reliable_change": "change",
    "percentile_bands": "change",
}

__all__ = [
    "EstimationError",
    "adjusted_odds_ratio",
    "arm_by_wave",
    "arm_by_wave_fast",
    "balance_table",
    "cluster_bootstrap_ratio",
    "cluster_robust_ols",
    "cox_hazard_ratio",
    "cronbach_alpha",
    "fit_random_intercept",
    "fit_random_intercept_fast",
    "one_sample_t",
    "percentile_bands",
    "reliable_change",
    "half_width_at_sizes",
    "half_width_forecast",
    "hedges_g",
    "holm",
    "impute_chained",
    "ipw_difference",
    "kaplan_meier",
    "km_median",
    "km_risk_difference",
    "little_mcar",
    "logrank",
    "mantel_haenszel_rd",
    "mcdonald_omega",
    "mean_ci",
    "mi_risk_difference",
    "missing_outcome_bounds",
    "n_for_half_width",
    "number_needed_to_treat",
    "odds_ratio",
    "paired_difference",
    "partially_nested_effect",
    "propensity_weights",
    "proportional_hazards_test",
    "reml_random_intercept",
    "risk_difference",
    "risk_difference_clustered",
    "risk_ratio",
    "rmst_difference",
    "rubin_pool",
    "delta_adjusted_ancova",
    "delta_adjusted_mi",
    "delta_tipping_point",
    "tipping_point",
    "welch_difference",
    "wilson_interval",
]


def __getattr__(name: str) -> object:
    """Import the module that defines ``name`` on first access (PEP 562)."""
    module = _FUNCTIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'pku_eval.stats' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_FUNCTIONS])
