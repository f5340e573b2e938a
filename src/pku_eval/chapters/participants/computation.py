"""Chapter 'participants': the flow counts, per arm (the flow table and results.json), for the
randomised trial by allocated arm (the CONSORT diagram) and for the groups outside it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import flow as flowmod
from ...codebook import ARMS, OFFICES
from ...disclosure import Policy
from ...params import Params
from ...shared_counts import shared_counts
from ...values import SUPPRESSED, Value, frozen_values


@dataclass(frozen=True)
class Participants:
    """``flow``: per arm, all projects (enrolled → withdrawn → analysed → with register data,
    due and answered per wave); ``trial``: the randomised participants by allocated arm;
    ``others``: the participants outside the randomised trial, per project and arm (rows
    labelled ``project``, ``arm``); ``values``: ``flow.enrolled``, ``flow.withdrawn``."""

    flow: pd.DataFrame
    trial: pd.DataFrame
    others: pd.DataFrame
    trial_projects: tuple[str, ...]
    values: Mapping[str, Value]
    #: the report's decision on the shared counts (:mod:`pku_eval.shared_counts`): for the
    #: flow table (``report``), and per row of ``trial`` and ``others``
    shared: Mapping[str, object] = dataclasses.field(default_factory=dict)


def _subset(stage, mask, waves: list[str]) -> pd.DataFrame:
    """The flow counts (per arm) of the participants in ``mask`` only."""
    return flowmod.flow_counts(dataclasses.replace(stage, participants=stage.participants[mask]),
                               waves)


def compute(stage, params: Params) -> Participants:
    """The flow counts of the stage; a count the policy withholds is null ("suppressed")."""
    policy = Policy(params.min_cell)
    waves = list(params.waves)
    fl = flowmod.flow_counts(stage, waves)
    report = shared_counts(stage, waves, policy, params.filter)

    def view(project: str):
        """A group of one project: that project's report, or this report when filtered."""
        return report if params.filter else shared_counts(stage, waves, policy,
                                                          {"project": project})

    values = {}
    for key in ("enrolled", "withdrawn"):
        counts = {arm: policy.shown_count(report.count(key, arm)) for arm in ARMS}
        values[f"flow.{key}"] = Value(counts, reason=SUPPRESSED if None in counts.values()
                                      else None)
    p = stage.participants
    randomised = p["randomised"].fillna(0).astype(bool).to_numpy()
    trial = _subset(stage, randomised, waves)
    trial = trial[trial["enrolled"] > 0]
    rows = []
    projects = [c for c in OFFICES.var("project").codes if c in set(p["project"])]
    for project in projects:
        for arm in ARMS:
            mask = ~randomised & (p["project"] == project).to_numpy() & (p["arm"] == arm).to_numpy()
            if mask.any():
                counts = _subset(stage, mask, waves).loc[arm]
                rows.append({"project": project, "arm": arm, **counts.to_dict()})
    others = pd.DataFrame(rows)
    trial_projects = tuple(c for c in projects if c in set(p.loc[randomised, "project"]))
    shared = {"report": report,
              "trial": view(trial_projects[0]) if len(trial_projects) == 1 else report,
              "others": tuple(view(r["project"]) for r in rows)}
    return Participants(fl, trial, others, trial_projects, frozen_values(values), shared)


#: The flow's columns under the names of the shared counts.
_SHARED_NAME = {"no_outcome": "missing"}


def shown_flow(counts: pd.DataFrame, policy: Policy, shared=None) -> pd.DataFrame:
    """The flow counts as a diagram may show them, one row per group, the withheld ones
    marked as the policy withholds them (:meth:`~pku_eval.disclosure.Policy.withhold`). ``analysed`` is withheld with ``withdrawn`` (enrolled
    − withdrawn would give it back), and then so is everything that adds up to it or equals
    it (register data with and without, and those due a wave: at T0 everyone analysed);
    ``with_outcome`` and ``no_outcome`` (which add up to ``analysed``) are never withheld one
    alone. ``shared`` (one :class:`~pku_eval.shared_counts.SharedCounts` for every row, or one
    for all): what the report's decision on the shared counts withholds is withheld too, so
    that no figure or table gives another away."""
    out = counts.copy()
    out["no_outcome"] = out["analysed"] - out["with_outcome"]
    hidden = {c: np.array([policy.hides(v) for v in out[c]], dtype=bool)
              for c in out.columns if c not in ("project", "arm")}
    if shared is not None:   # the report's decision: it knows every relation among these
        views = shared if isinstance(shared, (list, tuple)) else [shared] * len(out)
        arms = out["arm"] if "arm" in out.columns else pd.Series(out.index, index=out.index)
        for col, mask in list(hidden.items()):
            q = _SHARED_NAME.get(col, col)
            hidden[col] = mask | np.array(
                [sc.is_hidden(q, arm) for sc, arm in zip(views, arms, strict=True)], dtype=bool)
    else:                    # on its own: the relations of the flow, as a reader sees them
        hidden["analysed"] = hidden["analysed"] | hidden["withdrawn"]
        pair = np.column_stack([out["with_outcome"], out["no_outcome"]]).astype(float)
        both = np.array([policy.line_mask(row).to_numpy() for row in pair]).reshape(pair.shape)
        for k, col in enumerate(("with_outcome", "no_outcome")):
            hidden[col] = both[:, k] | hidden["analysed"]
        for col in [c for c in out.columns if str(c).startswith("due_")]:
            hidden[col] = hidden[col] | hidden["analysed"]
    for col, mask in hidden.items():
        if mask.any():
            out = policy.withhold(out, col, mask)
    return out
