"""Chapter 'learning_system': the employees' learning-system questionnaire before (``pre``) and
after (``post``) the learning system was put in place (GitHub issue 4).

The public face the notebook imports: :func:`compute` (pure, in ``computation``: the frozen
:class:`Learning` whose ``values`` are recorded by ``ch.record(result)``), the ``show_*`` pages
(in ``show``) and the figures (in ``figures``).

Shown: response per office and round against the offices' staff counts, Cronbach's alpha per
scale and round, the change post − pre per scale (Welch, with the paired check), means per
office, per role and for employees in / not in the project, and the item answers as a diverging
stacked bar chart centred on the neutral answer 3.
"""

from __future__ import annotations

from .computation import NO_FILE, NOT_ANSWERED, ROLES, ROUNDS, Learning, compute
from .figures import likert_figure, means_figure
from .show import (
    show_change,
    show_groups,
    show_items,
    show_project,
    show_reliability,
    show_response,
    show_status,
)

__all__ = ["NOT_ANSWERED", "NO_FILE", "ROLES", "ROUNDS", "Learning", "compute",
           "likert_figure", "means_figure", "show_change", "show_groups", "show_items",
           "show_project", "show_reliability", "show_response", "show_status"]
