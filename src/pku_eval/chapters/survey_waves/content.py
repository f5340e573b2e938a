"""Chapter 'survey_waves': the participant survey T0–T2 — reliability of the scales, change by
arm, the KLAR trial's arm × wave effects (linear mixed model), missing-data sensitivity,
self-reported employment, and descriptive change in the projects without a control group.

The public face the notebook (and the data-quality chapter) imports:

- :func:`compute` (in :mod:`.computation`) does every calculation and returns a frozen
  :class:`SurveyWaves` whose ``values`` are the results.json keys ``scales.<scale>.alpha``
  and ``scales.<scale>.arm_by_wave.<wave>`` (REPORT_SPEC.md) plus extra keys (reliability
  per wave, sensitivity analyses, Little's test);
- the analyses themselves are in :mod:`.analyses`, the figures in :mod:`.figures`;
- ``ch.record(result)`` (:meth:`pku_eval.chapter.Chapter.record`) writes the values;
- the ``show_*`` functions (in :mod:`.show`) publish one section each.
"""

from __future__ import annotations

from .analyses import (
    CONTROL,
    FAST_ENGINE_ABOVE,
    MCAR_MAX_ROWS,
    MI_IMPUTATIONS,
    MI_ITERATIONS,
    MI_MAX_PARTICIPANTS,
    OTHER_PROJECTS,
    PROJECTS,
    TREATMENT,
    Missing,
    descriptive_change,
    employment_table,
    item_distribution,
    mcar_items,
    mcar_waves,
    reliability,
    scale_means,
    sensitivity,
    survey_long,
    trial_model,
)
from .computation import SurveyWaves, compute
from .precision_show import show_precision
from .show import (
    show_coaches,
    show_employment,
    show_intro,
    show_mcar_items,
    show_means,
    show_missing,
    show_model,
    show_other_projects,
    show_reliability,
    show_tipping,
)

__all__ = [
    "CONTROL",
    "FAST_ENGINE_ABOVE",
    "MCAR_MAX_ROWS",
    "MI_IMPUTATIONS",
    "MI_ITERATIONS",
    "MI_MAX_PARTICIPANTS",
    "OTHER_PROJECTS",
    "PROJECTS",
    "TREATMENT",
    "Missing",
    "SurveyWaves",
    "compute",
    "descriptive_change",
    "employment_table",
    "item_distribution",
    "mcar_items",
    "mcar_waves",
    "reliability",
    "scale_means",
    "sensitivity",
    "show_coaches",
    "show_employment",
    "show_intro",
    "show_mcar_items",
    "show_means",
    "show_missing",
    "show_model",
    "show_other_projects",
    "show_precision",
    "show_reliability",
    "show_tipping",
    "survey_long",
    "trial_model",
]
