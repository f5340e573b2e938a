"""Which of the survey chapter's printed counts this report withholds, decided with every other
report of the set (:mod:`pku_eval.set_tables`, the tables of :mod:`pku_eval.set_tables_survey`):
the show code asks here with a table's rows and withholds through the policy; the statistics
resting on a withheld count go with it (the publishing path)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...set_tables import decide
from ...set_tables_survey import EMPLOYMENT_QUANTITIES, EMPLOYMENT_RELATIONS


def _cells(ch, name: str, quantities=("n",), relations=()) -> frozenset:
    return decide(ch.data, name, tuple(quantities), list(relations), tuple(quantities),
                  ch.policy, ch.params.filter)


def _mask(keys, cells: frozenset, quantity: str = "n") -> np.ndarray:
    return np.array([(k, quantity) in cells for k in keys], dtype=bool)


def reliability_mask(ch, tab: pd.DataFrame) -> np.ndarray:
    """Rows ``scale``, ``wave`` (as codes) of the reliability table."""
    keys = [f"{s}|{w}" for s, w in zip(tab["scale"], tab["wave"].astype(str))]
    return _mask(keys, _cells(ch, "survey_reliability"))


def means_mask(ch, m: pd.DataFrame) -> np.ndarray:
    """Rows ``scale``, ``project``, ``arm``, ``wave`` (as codes) of a means table."""
    keys = [f"{s}|{p}|{a}|{w}" for s, p, a, w in
            zip(m["scale"], m["project"], m["arm"], m["wave"].astype(str))]
    return _mask(keys, _cells(ch, "survey_means"))


def change_mask(ch, tab: pd.DataFrame) -> np.ndarray:
    """Rows ``project``, ``scale``, ``wave`` (as codes) of the change-from-T0 table."""
    keys = [f"{p}|{s}|{w}" for p, s, w in zip(tab["project"], tab["scale"], tab["wave"])]
    return _mask(keys, _cells(ch, "survey_change"))


def employment_cells(ch) -> frozenset:
    """``(project|wave|arm, code or "base")`` cells of the employment tables withheld."""
    return _cells(ch, "survey_employment", EMPLOYMENT_QUANTITIES, EMPLOYMENT_RELATIONS)


__all__ = ["change_mask", "employment_cells", "means_mask", "reliability_mask"]
