"""The counts of people that several tables of a report print — the flow of participants per
arm (enrolled, withdrawn, analysed, with register data, due and answered per wave) and the KLAR
counts of the employment chapter — decided once for the whole report, so that no withheld count
can be recovered by setting one table against another ("analysed 95" in the flow minus "with
register data 91" in the employment table).

Every quantity, published or not, is a cell; the relations a reader knows are equations among
them (enrolled = withdrawn + analysed, analysed = with register data + without, due = answered
+ not answered, KLAR + other projects = all, and "due at a wave = analysed" when everyone is
due); a cell below ``min_cell`` is protected — also one no table prints, such as the people
without register data — and the engine (:func:`pku_eval.disclosure.protect`) withholds further
published cells until none of the protected ones can be derived. The result is a pure function
of the stage's data, so every chapter that prints one of these counts withholds the same ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from .codebook import ARMS, WAVES
from .disclosure import HIDDEN, Policy, derivable, protect

#: Quantities a table or results.json prints (per arm).
PUBLISHED = ("enrolled", "withdrawn", "analysed", "with_outcome", "missing",
             "klar_analysed", "klar_missing", "klar_with_outcome")


@dataclass(frozen=True)
class SharedCounts:
    """The shared counts of one report: ``count(quantity, arm)`` is the number, or
    :data:`~pku_eval.disclosure.HIDDEN` when the report withholds it."""

    counts: Mapping[tuple[str, str], int]
    hidden: frozenset

    def is_hidden(self, quantity: str, arm: str) -> bool:
        return (quantity, arm) in self.hidden

    def count(self, quantity: str, arm: str):
        return HIDDEN if self.is_hidden(quantity, arm) else self.counts[(quantity, arm)]


def office_counts(stage, waves=WAVES) -> pd.DataFrame:
    """Every shared quantity per office and arm, from a stage's data before any filter (a
    filtered report keeps this table, so that its counts are decided with those of every other
    report of the set). Columns ``office``, ``project``, ``arm``, ``has_outcomes`` (whether the
    data have an outcomes file) and one column per quantity."""
    from .tidy import due_waves

    p = stage.participants
    outcomes = stage.table("outcomes")
    has = (p["participant_id"].isin(outcomes["participant_id"]).to_numpy()
           if outcomes is not None else np.zeros(len(p), dtype=bool))
    analysed = ~p["withdrawn"].to_numpy(dtype=bool)
    klar = (p["project"] == "klar").to_numpy()
    x = pd.DataFrame({"office": p["office"].to_numpy(), "arm": p["arm"].to_numpy(),
                      "enrolled": 1, "withdrawn": (~analysed).astype(int),
                      "analysed": analysed.astype(int)})
    x["with_outcome"] = (analysed & has).astype(int)
    x["missing"] = (analysed & ~has).astype(int)
    for name, mask in (("klar", klar), ("other", ~klar)):
        x[f"{name}_analysed"] = (analysed & mask).astype(int)
        x[f"{name}_with_outcome"] = (analysed & mask & has).astype(int)
        x[f"{name}_missing"] = (analysed & mask & ~has).astype(int)
    due = due_waves(p[analysed], stage.table("survey"), stage.cutoff, list(waves))
    ids = p["participant_id"]
    for w in waves:
        d = due[due["wave"] == w].set_index("participant_id")
        x[f"due_{w}"] = ids.map(d["due"]).astype("boolean").fillna(False).astype(int) \
            .to_numpy()
        x[f"answered_{w}"] = ids.map(d["due"] & d["answered"]).astype("boolean") \
            .fillna(False).astype(int).to_numpy()
        x[f"unanswered_{w}"] = x[f"due_{w}"] - x[f"answered_{w}"]
    quantities = [c for c in x.columns if c not in ("office", "arm")]
    grid = pd.MultiIndex.from_product([stage.offices["office"], ARMS], names=["office", "arm"])
    out = x.groupby(["office", "arm"])[quantities].sum().reindex(grid, fill_value=0)
    out = out.reset_index()
    out.insert(1, "project", out["office"].map(stage.offices.set_index("office")["project"]))
    out.insert(3, "has_outcomes", outcomes is not None)
    return out


def _scopes(counts: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Every report that could be built from the data: the whole report, one per project and
    one per office (scope name → its offices)."""
    offices = counts[["office", "project"]].drop_duplicates()
    scopes = {"all": tuple(offices["office"])}
    for project, g in offices.groupby("project", sort=True):
        scopes[f"project:{project}"] = tuple(g["office"])
    for office in offices["office"]:
        scopes[f"office:{office}"] = (office,)
    return scopes


def _cells(counts: pd.DataFrame, waves: list[str]):
    """Every cell (scope, quantity, arm), published or not, with its value; the relations a
    reader knows (within a scope and arm, and offices → project → all); the published cells."""
    has_outcomes = bool(counts["has_outcomes"].any()) if len(counts) else False
    quantities = [c for c in counts.columns
                  if c not in ("office", "project", "arm", "has_outcomes")
                  and not (c.split("_", 1)[0] in ("due", "answered", "unanswered")
                           and c.rsplit("_", 1)[1] not in waves)]
    by_office = counts.set_index(["office", "arm"])[quantities]
    values: dict[tuple[str, str, str], float] = {}
    relations: list[dict] = []
    published = set()
    scopes = _scopes(counts)
    for scope, members in scopes.items():
        for arm in ARMS:
            rows = [(o, arm) for o in members if (o, arm) in by_office.index]
            v = by_office.loc[rows].sum() if rows else pd.Series(0, index=quantities)
            for q in quantities:
                values[(scope, q, arm)] = float(v[q])
            rel = [{"enrolled": -1, "withdrawn": 1, "analysed": 1},
                   {"analysed": -1, "klar_analysed": 1, "other_analysed": 1}]
            if has_outcomes:
                rel += [{"analysed": -1, "with_outcome": 1, "missing": 1},
                        {"with_outcome": -1, "klar_with_outcome": 1, "other_with_outcome": 1},
                        {"missing": -1, "klar_missing": 1, "other_missing": 1},
                        {"klar_analysed": -1, "klar_with_outcome": 1, "klar_missing": 1},
                        {"other_analysed": -1, "other_with_outcome": 1, "other_missing": 1}]
            for w in waves:
                rel.append({f"due_{w}": -1, f"answered_{w}": 1, f"unanswered_{w}": 1})
                if v[f"due_{w}"] == v["analysed"]:  # everyone due: the rows agree in print
                    rel.append({f"due_{w}": -1, "analysed": 1})
            relations += [{(scope, q, arm): c for q, c in r.items()} for r in rel]
            published |= {(scope, q, arm) for q in PUBLISHED
                          if q != "with_outcome" or has_outcomes}
            published |= {(scope, f"{k}_{w}", arm) for w in waves
                          for k in ("due", "answered")}
    for parent, children in _hierarchy(scopes):
        for arm in ARMS:
            for q in quantities:
                relations.append({(parent, q, arm): -1,
                                  **{(c, q, arm): 1 for c in children}})
    return values, relations, published


def _hierarchy(scopes: dict) -> list[tuple[str, list[str]]]:
    """The sums across reports: the projects add up to the whole, the offices to a project."""
    out = [("all", [s for s in scopes if s.startswith("project:")])]
    out += [(s, [f"office:{o}" for o in scopes[s]]) for s in scopes if s.startswith("project:")]
    return out


def scope_of(filter: Mapping | None) -> str:
    """The scope of a report: ``all``, ``project:<code>`` or ``office:<code>``."""
    if not filter:
        return "all"
    (key, value), = dict(filter).items()
    return f"{key}:{value}"


def shared_counts(stage, waves: list[str], policy: Policy,
                  filter: Mapping | None = None) -> SharedCounts:
    """Decide which shared counts a report withholds (see the module). The counts of every
    report of the set come from ``stage.office_counts`` when the stage carries them (a build's
    stage does: taken before the filter), else from the stage itself; ``filter`` names the
    report (none: the whole report).
    Every report of the set — the whole, each project, each office — is decided together, so
    that none can be set against the others."""
    memo = stage.__dict__.setdefault("_shared_counts", {})
    key = (tuple(waves), policy.min_cell)
    if key not in memo:
        counts = getattr(stage, "office_counts", None)
        if counts is None:
            counts = office_counts(stage, waves)
        values, relations, published = _cells(counts, list(waves))
        hidden = _decide(values, relations, published, _hierarchy(_scopes(counts)), policy)
        memo[key] = (values, frozenset(hidden & published))
    values, hidden = memo[key]
    scope = scope_of(filter)
    return SharedCounts(
        MappingProxyType({(q, a): int(v) for (s, q, a), v in values.items() if s == scope}),
        frozenset((q, a) for (s, q, a) in hidden if s == scope))


def _decide(values: dict, relations: list[dict], published: set, hierarchy, policy) -> set:
    """The withheld cells of every report of the set.

    Within one report and arm, the engine (:func:`~pku_eval.disclosure.protect`) decides over
    that report's relations; across reports, a sum of reports (the offices of a project, the
    projects of the whole) must never have exactly one member a reader cannot know — a member
    is known when it is printed or derivable within its own report — or that one follows by
    subtraction: then the smallest known member of the same sum is protected too (an office
    before its project; one that no table prints through the printed cells of its report), and
    the reports are decided again, until nothing changes."""
    blocks: dict[tuple[str, str], list] = {}
    for k in values:
        blocks.setdefault((k[0], k[2]), []).append(k)
    block_rel: dict[tuple[str, str], list[dict]] = {}
    for rel in relations:
        scopes = {(k[0], k[2]) for k in rel}
        if len(scopes) == 1:
            block_rel.setdefault(scopes.pop(), []).append(rel)
    forced = {k for k, v in values.items() if policy.hides(v)}
    hidden: set = set()
    known: set = set()
    dirty = set(blocks)
    arms = sorted({k[2] for k in values}, key=str)    # the arms, or a table's rows
    quantities = sorted({k[1] for k in values}, key=str)
    for _ in range(10 * len(values)):
        for b in dirty:
            h, kn = _protect_block(blocks[b], block_rel.get(b, []), values, published, forced)
            hidden = (hidden - set(blocks[b])) | h
            known = (known - set(blocks[b])) | kn
        dirty = set()
        for parent, children in hierarchy:
            for arm in arms:
                for q in quantities:
                    members = [(parent, q, arm)] + [(c, q, arm) for c in children]
                    members = [m for m in members if m in values and values[m] != 0]
                    unknown = [m for m in members if m not in known]
                    if len(unknown) != 1:
                        continue
                    # a member no table prints is made unknown through its report's
                    # printed cells (the engine protects it as a primary cell there)
                    choices = [m for m in members if m in known]
                    if not choices:
                        continue
                    pick = min(choices, key=lambda m: (m[0] == parent, values[m]))
                    forced.add(pick)
                    dirty.add((pick[0], arm))
        if not dirty:
            return hidden
    raise RuntimeError("the shared counts did not settle")  # pragma: no cover


def _protect_block(cells: list, rels: list[dict], values: dict, published: set,
                   forced: set) -> tuple[set, set]:
    """One report and arm: which cells to withhold, and which a reader knows (printed or
    derivable from what is printed)."""
    index = {k: i for i, k in enumerate(cells)}
    x = np.array([values[k] for k in cells])
    matrix = np.zeros((max(len(rels), 1), len(cells)))
    for r, rel in enumerate(rels):
        for k, c in rel.items():
            matrix[r, index[k]] = c
    primary = np.array([k in forced for k in cells])
    # a quantity no table prints is still known to a reader when it is 0 by design (the
    # reference offices' participants are all in KLAR), so zeros count as published
    shown = np.array([k in published or values[k] == 0 for k in cells])
    total = np.any(matrix < 0, axis=0)
    hidden = protect(x, primary, matrix, cost=total * 1e9 + x, published=shown)
    exposed = derivable(matrix, hidden) if rels else np.zeros(len(cells), dtype=bool)
    return ({k for k in cells if hidden[index[k]]},
            {k for k in cells if not hidden[index[k]] or exposed[index[k]]})


__all__ = ["PUBLISHED", "SharedCounts", "office_counts", "scope_of", "shared_counts"]
