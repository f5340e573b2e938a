"""Chapter 'employers': the employer questionnaire (optional file ``employer_survey``).

The public face the notebook imports: :func:`compute` (pure, in ``computation``) and the
``show_*`` pages (in ``show``); the result's values are recorded by ``ch.record(result)``.
"""

from __future__ import annotations

from .computation import BREAKDOWNS, GROUPS, ITEMS, Employers, compute
from .show import show_intro, show_items, show_recommend, show_respondents

__all__ = [
           "BREAKDOWNS",
           "GROUPS",
           "ITEMS",
           "Employers",
           "compute",
           "show_intro",
           "show_items",
           "show_recommend",
           "show_respondents",
]
