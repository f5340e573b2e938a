"""Chapter 'participants': what its notebook calls — ``compute`` (computation), the pages
(show) and the figures (figures)."""

from __future__ import annotations

from .computation import Participants, compute, shown_flow  # noqa: F401
from .show import show_baseline, show_flow  # noqa: F401
