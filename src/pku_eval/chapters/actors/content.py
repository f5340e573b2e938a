"""Chapter 'actors': the evaluator's survey of the actors of the four-party collaboration in the
three county projects, in two rounds (spring 2016 and spring 2017) (GitHub issue 17).

The public face the notebook imports: :func:`compute` (pure, in ``computation``: the frozen
:class:`Actors` whose ``values`` are recorded by ``ch.record(result)``), the ``show_*`` pages
(in ``show``) and the figures (in ``figures``).

Shown: response per project and party; the three scales (collaboration, the learning system,
organisation) with Cronbach's alpha; means by party, project and round; the change from the
first to the second round (Welch, with the paired check of linked respondents); the comparison
across the three projects as a figure; the item answers as diverging bars with the wording.
"""

from __future__ import annotations

from .computation import NO_FILE, NOT_YET, PER_PROJECT, Actors, compute
from .figures import items_figure, projects_figure
from .show import (
    show_change,
    show_groups,
    show_items,
    show_projects,
    show_reliability,
    show_response,
    show_status,
)

__all__ = ["NOT_YET", "NO_FILE", "PER_PROJECT", "Actors", "compute", "items_figure",
           "projects_figure", "show_change", "show_groups", "show_items", "show_projects",
           "show_reliability", "show_response", "show_status"]
