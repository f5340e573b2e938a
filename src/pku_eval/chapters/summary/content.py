"""Chapter 'summary': the goal-achievement table of the key figures and, in the final report,
the interim figures beside the final ones, descriptively (see :mod:`.computation` for how a
figure is read).

The public face the notebook imports: :func:`compute` (pure, in ``computation``) and the
``show_*`` pages (in ``show``); the result's values are recorded by ``ch.record(result)``.
"""

from __future__ import annotations

from dataclasses import asdict

from .computation import (
    KINDS,
    Row,
    Summary,
    compare,
    compute,
    conclusion,
    interim_path,
    key_figures,
    lookup,
    reading,
    reason_text,
    short_conclusion,
)
from .show import _fmt_value, _with_ci, show_comparison, show_goals


def as_dicts(s: Summary) -> list[dict]:
    """The rows as plain dicts (for inspection in JupyterLab)."""
    return [asdict(r) for r in s.rows]


__all__ = [
    "KINDS",
    "Row",
    "Summary",
    "_fmt_value",
    "_with_ci",
    "as_dicts",
    "compare",
    "compute",
    "conclusion",
    "interim_path",
    "key_figures",
    "lookup",
    "reading",
    "reason_text",
    "short_conclusion",
    "show_comparison",
    "show_goals",
]
