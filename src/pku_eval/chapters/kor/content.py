"""Chapter 'kor': the KOR session forms of Ung@jobb at the offices whose method is ``kor``
(GitHub issue 17).

The public face the notebook imports: :func:`compute` (pure, in ``computation``: the frozen
:class:`Kor` whose ``values`` are recorded by ``ch.record(result)``), the ``show_*`` pages (in
``show``) and the figures (in ``figures``).

Shown: sessions per participant and their spacing; the ORS by session number (mean with CI and
percentile bands, never individual trajectories); change from the first to the last ORS
(one-sample t); reliable improvement and deterioration (5 points) and clinically significant
improvement (crossing 25); the SRS below 36 by session number; whether an early low SRS goes
with less ORS change (descriptive); what the chapter cannot say without a control group.
"""

from __future__ import annotations

from .computation import NO_FILE, NO_OFFICE, NO_SESSIONS, Kor, compute
from .figures import ors_figure, srs_figure
from .show import (
    show_alliance,
    show_change,
    show_limits,
    show_ors,
    show_sessions,
    show_status,
)

__all__ = ["NO_FILE", "NO_OFFICE", "NO_SESSIONS", "Kor", "compute", "ors_figure", "show_alliance", "show_change", "show_limits",
           "show_ors", "show_sessions", "show_status", "srs_figure"]
