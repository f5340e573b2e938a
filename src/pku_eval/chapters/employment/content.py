"""Chapter 'employment': register outcomes of the KLAR randomised trial – did SE work?

The public face the notebook imports (``from pku_eval.chapters import employment``):

- :func:`compute` (pure, :mod:`.computation`) returns a frozen :class:`Employment` with every
  number the chapter shows and every results.json value (``values``: key path →
  :class:`~pku_eval.values.Value`);
- ``ch.record(result)`` writes its results.json values (nulls with their reason);
- ``show_*`` (:mod:`.show`) publish one section each, figures in :mod:`.figures`.

The randomised comparison (treatment = the SE arm against internal_control, intention to treat)
is the trial's result; comparisons with the external control group are observational and are
labelled so. What is withheld is decided by the suppression policy, never by the chapter.
"""

from __future__ import annotations

from .computation import (
    CATEGORICAL,
    CONTROL,
    COVARIATES,
    EXTERNAL,
    PH_TRANSFORM,
    R_NO_EVENTS,
    R_NO_FILE,
    R_NOT_FITTED,
    R_SUPPRESSED,
    R_UNDEFINED,
    RARE_LEVEL,
    TREATMENT,
    Employment,
    analysis_frame,
    compute,
)
from .primary import Primary, compute_primary
from .sensitivity_show import show_external_ipw, show_forecast, show_sensitivity
from .show import (
    show_by_office,
    show_effect,
    show_external,
    show_intro,
    show_limits,
    show_rates,
    show_status,
    show_time_to_work,
)
from .show_primary import show_estimand, show_offices

__all__ = [
    "CATEGORICAL",
    "CONTROL",
    "COVARIATES",
    "EXTERNAL",
    "PH_TRANSFORM",
    "RARE_LEVEL",
    "R_NOT_FITTED",
    "R_NO_EVENTS",
    "R_NO_FILE",
    "R_SUPPRESSED",
    "R_UNDEFINED",
    "TREATMENT",
    "Employment",
    "Primary",
    "analysis_frame",
    "compute",
    "compute_primary",
    "show_by_office",
    "show_effect",
    "show_estimand",
    "show_external",
    "show_external_ipw",
    "show_forecast",
    "show_intro",
    "show_limits",
    "show_offices",
    "show_rates",
    "show_sensitivity",
    "show_status",
    "show_time_to_work",
]
