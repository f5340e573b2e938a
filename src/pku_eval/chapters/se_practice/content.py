"""Chapter 'se_practice': what the job coaches did, read from their SE log (GitHub issue 4).

Sections: who the SE participants are and the two key figures (contacts per participant-month,
share of contacts with employers); contact intensity by office and contact type and its spread
across participants and coaches; the five SE stages over time and the time to job search and to
the first employer contact; caseload per coach; indicators that resemble SE/IPS fidelity items;
and, descriptively, the log of those who got work against those who did not.

This module is the chapter's public face (what the notebook and the tests import):

* :mod:`.constants` — definitions and fixed choices (REPORT_SPEC.md "SE participants");
* :mod:`.tables` — the vectorised pieces of the computation (no loop over participants);
* :mod:`.computation` — :func:`compute`, pure, returning the frozen :class:`SEPractice` whose
  ``values`` (results.json path → :class:`~pku_eval.values.Value`) ``ch.record`` writes;
* :mod:`.show` — the sections, tables and figures (disclosure decided by ``ch.policy``).

The coach ids never leave :func:`compute`: coaches are labelled A, B, C … within their office.
"""

from __future__ import annotations

from .computation import RESULT_KEYS, SEPractice, compute
from .constants import (
    BOOTSTRAP_REPS,
    CONTACT_TYPES,
    COUNTERPARTS,
    DAYS_PER_MONTH,
    KM_CONF_TYPE,
    MIN_FOLLOWUP_DAYS,
    RAPID_SEARCH_DAYS,
    SEED_CASELOAD,
    SHARE_BY_DAYS,
    STAGES,
    _ref_range,
)
from .show import (
    coach_summary,
    indicator_table,
    show_caseload,
    show_coaches,
    show_indicators,
    show_intensity,
    show_intro,
    show_outcomes,
    show_stages,
)
from .tables import se_participants

__all__ = [
    "BOOTSTRAP_REPS",
    "CONTACT_TYPES",
    "COUNTERPARTS",
    "DAYS_PER_MONTH",
    "KM_CONF_TYPE",
    "MIN_FOLLOWUP_DAYS",
    "RAPID_SEARCH_DAYS",
    "RESULT_KEYS",
    "SEED_CASELOAD",
    "SHARE_BY_DAYS",
    "STAGES",
    "SEPractice",
    "_ref_range",
    "coach_summary",
    "compute",
    "indicator_table",
    "se_participants",
    "show_caseload",
    "show_coaches",
    "show_indicators",
    "show_intensity",
    "show_intro",
    "show_outcomes",
    "show_stages",
]
