"""Tables outside the shared counts that every report of a set prints — the whole report's, each
project's and each office's — decided together, so that no report can be set against the others
(the whole report's 29 "don't know" minus two projects' 21 and 5 gives the third project's 3).

A table is registered here with the unit its counts add up over (office or project) and a
function that counts it from a stage's data (a ``row`` column and one column per quantity); it
is evaluated on the part of the stage each unit holds (:func:`subset`). A filtered stage carries these per-unit
tables of the data before the filter (computed by :func:`pku_eval.tidy.prepare`, stored with the
stage; no ids in them), an unfiltered stage counts them itself. :func:`decide` then builds every
report's version of the table (sum over the report's units), the relations a reader knows inside
a row (the caller's) and across reports (offices → project → whole), and lets the shared-count
engine (:func:`pku_eval.shared_counts._decide`) withhold cells until no count below ``min_cell``
can be derived in any report of the set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .disclosure import Policy

#: name -> (unit, per-unit counting function)
REGISTRY: dict[str, tuple[str, Callable]] = {}


def register(name: str, unit: str):
    def deco(fn):
        REGISTRY[name] = (unit, fn)
        return fn
    return deco


class _SubsetTables(Mapping):
    """A stage's tables restricted to some offices, each filtered when first read."""

    def __init__(self, tables, participants: set, offices: set, projects: set):
        self._tables, self._done = tables, {}
        self._keep = (participants, offices, projects)

    def __getitem__(self, name):
        if name not in self._done:
            fr = self._tables[name]
            ids, offices, projects = self._keep
            if "participant_id" in fr:
                fr = fr[fr["participant_id"].isin(ids)]
            elif "office" in fr:
                fr = fr[fr["office"].isin(offices)]
            elif "project" in fr:
                fr = fr[fr["project"].isin(projects)]
            self._done[name] = fr
        return self._done[name]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self):
        return len(self._tables)


def subset(stage, offices) -> object:
    """The part of a stage that a report of ``offices`` would see (participants and every
    table restricted to them; tables filtered lazily): a unit of a set table."""
    from dataclasses import replace

    offices = set(offices)
    office_rows = stage.offices[stage.offices["office"].isin(offices)]
    part = stage.participants[stage.participants["office"].isin(offices)]
    tables = _SubsetTables(stage.tables, set(part["participant_id"]), offices,
                           set(office_rows["project"]))
    return replace(stage, offices=office_rows, participants=part, tables=tables,
                   office_counts=None, set_tables=None, reads=None)


def _per_unit(stage, unit: str, fn: Callable) -> pd.DataFrame:
    """``fn`` (a stage's table: ``row`` and quantity columns) for each office or project."""
    offices = stage.offices[["office", "project"]]
    groups = ([(o, p, [o]) for o, p in offices.itertuples(index=False)] if unit == "office"
              else [(p, p, list(g["office"])) for p, g in offices.groupby("project", sort=True)])
    parts = []
    for name, project, members in groups:
        t = fn(subset(stage, members))
        if t is None or t.empty:
            continue
        t = t.copy()
        if unit == "office":
            t.insert(0, "office", name)
        t.insert(0 if unit == "project" else 1, "project", project)
        parts.append(t)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=(["office"] if unit == "office" else []) + ["project", "row"])


def _missing(stage, raw_name: str, file: str) -> pd.DataFrame | None:
    from .quality import missing_counts

    raw = stage.tables.get(raw_name)
    if raw is None or raw.empty:
        return None
    m = missing_counts(raw, file).rename(columns={"item": "row"})
    m["missing"] = m["dont_know"] + m["not_answered"] + m["empty"]
    return m.drop(columns=["missing_share"])


@register("missing_survey", "office")
def missing_survey(stage) -> pd.DataFrame | None:
    """Per item of the participant survey: rows and the missing codes."""
    return _missing(stage, "survey_raw", "survey")


@register("missing_learning", "office")
def missing_learning(stage) -> pd.DataFrame | None:
    """Per item of the learning-system survey: rows and the missing codes."""
    return _missing(stage, "learning_survey_raw", "learning_survey")


def actor_quantities() -> tuple[tuple[str, ...], list[dict]]:
    """The actor survey's count cells per row: ``<party>|<round>`` and ``all|<round>``, and the
    sum a reader knows (the parties add up to the project's answers)."""
    from .codebook import ACTOR_PARTIES, ACTOR_ROUNDS

    q = tuple(f"{p}|{r}" for p in (*ACTOR_PARTIES, "all") for r in ACTOR_ROUNDS)
    rel = [{f"all|{r}": -1, **{f"{p}|{r}": 1 for p in ACTOR_PARTIES}} for r in ACTOR_ROUNDS]
    return q, rel


@register("actors", "project")
def actors(stage) -> pd.DataFrame | None:
    """The actor survey's answers (row ``answers``) and the answers with a score on each
    scale (rows ``scale:<name>``), per party and round and for all parties."""
    from .codebook import ACTOR_SCALES

    quantities, _ = actor_quantities()
    d = stage.tables.get("actor_survey")
    if d is None or d.empty:
        return None
    rows = []
    for row, valid in [("answers", None)] + [(f"scale:{s}", s) for s in ACTOR_SCALES]:
        x = d if valid is None else d[d[valid].notna()]
        n = x.groupby(["party", "round"]).size()
        rec = {"row": row}
        for q in quantities:
            party, rnd = q.split("|")
            rec[q] = int(x["round"].eq(rnd).sum()) if party == "all" \
                else int(n.get((party, rnd), 0))
        rows.append(rec)
    return pd.DataFrame(rows, columns=["row", *quantities])


#: the characteristics of the baseline table whose categories add up to the arm's n (with the
#: participants without an answer, ``<var>:_na``, which the table does not print)
BASELINE_BLOCKS = ("gender", "main_benefit", "education")


def baseline_quantities() -> tuple[tuple[str, ...], list[dict], tuple[str, ...]]:
    """The baseline table's count cells per ``<project>|<arm>`` row: ``n`` (the analysed),
    ``<var>:<code>`` per category, ``immigrant:1``; the sums a reader knows (the categories
    and the unanswered add up to n) and the cells taken as published: all of them, the
    unanswered too (not printed, but a reader who takes them for none — the usual case —
    would otherwise get a lone withheld category back from n)."""
    from .codebook import PARTICIPANTS

    shown = ["n"]
    rel = []
    for var in BASELINE_BLOCKS:
        codes = [f"{var}:{c}" for c in PARTICIPANTS.var(var).codes]
        shown += codes
        rel.append({"n": -1, f"{var}:_na": 1, **{c: 1 for c in codes}})
    shown.append("immigrant:1")
    quantities = (*shown, *(f"{v}:_na" for v in BASELINE_BLOCKS))
    return quantities, rel, quantities


@register("baseline", "office")
def baseline_counts(stage) -> pd.DataFrame | None:
    """The participants chapter's baseline table: per project and arm, the analysed and each
    category's count (as :func:`pku_eval.flow.baseline_table` counts them)."""
    a = stage.analysed
    if a.empty:
        return None
    quantities, _, _ = baseline_quantities()
    rows = []
    for (project, arm), g in a.groupby(["project", "arm"], sort=True, observed=True):
        rec = {"row": f"{project}|{arm}", "n": len(g),
               "immigrant:1": int((g["immigrant"] == 1).sum())}
        for var in BASELINE_BLOCKS:
            counts = g[var].value_counts()
            for q in quantities:
                if q.startswith(f"{var}:"):
                    code = q.split(":", 1)[1]
                    rec[q] = int(g[var].isna().sum()) if code == "_na" else int(counts.get(code, 0))
        rows.append(rec)
    return pd.DataFrame(rows, columns=["row", *quantities])

def compute_all(stage) -> dict[str, pd.DataFrame]:
    """Every registered table per unit, from a stage's data (for a filtered stage: the data
    before the filter)."""
    return {name: _per_unit(stage, unit, fn) for name, (unit, fn) in REGISTRY.items()}


def unit_table(stage, name: str) -> pd.DataFrame:
    """The per-unit counts of a registered table for the whole set of reports."""
    carried = getattr(stage, "set_tables", None)
    if carried is not None and name in carried:
        return carried[name]
    memo = stage.__dict__.setdefault("_set_unit_tables", {})
    if name not in memo:
        unit, fn = REGISTRY[name]
        memo[name] = _per_unit(stage, unit, fn)
    return memo[name]


def _scopes(t: pd.DataFrame, unit: str) -> tuple[dict, list]:
    units = t[[unit, "project"]].drop_duplicates() if unit == "office" else \
        t[["project"]].drop_duplicates()
    scopes = {"all": tuple(units[unit])}
    for project, g in units.groupby("project", sort=True):
        scopes[f"project:{project}"] = tuple(g[unit])
    hierarchy = [("all", [s for s in scopes if s.startswith("project:")])]
    if unit == "office":
        for office in units["office"]:
            scopes[f"office:{office}"] = (office,)
        hierarchy += [(s, [f"office:{o}" for o in scopes[s]])
                      for s in list(scopes) if s.startswith("project:")]
    return scopes, hierarchy


def decide(stage, name: str, quantities: tuple[str, ...], relations: list[Mapping[str, int]],
           published: tuple[str, ...], policy: Policy,
           filter: Mapping | None = None) -> frozenset:
    """The cells ``(row, quantity)`` that the report named by ``filter`` withholds in the
    registered table ``name``. ``relations``: the sums a reader knows inside a row, as
    ``{quantity: coefficient}`` summing to 0 (e.g. ``{"rows": -1, "valid": 1, …}``);
    ``published``: the quantities the report prints or lets a reader compute."""
    from .shared_counts import _decide, scope_of

    memo = stage.__dict__.setdefault("_set_decisions", {})
    key = (name, tuple(quantities), policy.min_cell)
    if key not in memo:
        unit = REGISTRY[name][0]
        t = unit_table(stage, name)
        if t.empty:
            memo[key] = frozenset()
        else:
            scopes, hierarchy = _scopes(t, unit)
            by_unit = t.groupby([unit, "row"], sort=False)[list(quantities)].sum()
            rows = list(dict.fromkeys(t["row"]))
            values, rels, pub = {}, [], set()
            for scope, members in scopes.items():
                sub = by_unit[by_unit.index.get_level_values(0).isin(members)]
                sums = sub.groupby(level="row").sum().reindex(rows, fill_value=0)
                for row in rows:
                    for q in quantities:
                        values[(scope, q, row)] = float(sums.at[row, q])
                    rels += [{(scope, q, row): c for q, c in r.items()} for r in relations]
                    pub |= {(scope, q, row) for q in published}
            hidden = _decide(values, rels, pub, hierarchy, policy)
            memo[key] = frozenset(k for k in hidden if k in pub)
    scope = scope_of(filter)
    return frozenset((row, q) for (s, q, row) in memo[key] if s == scope)


def hidden_mask(frame: pd.DataFrame, row_col: str, quantity: str, cells: frozenset
                ) -> np.ndarray:
    """Per row of ``frame``: whether ``(row, quantity)`` is among the withheld ``cells``."""
    return np.array([(r, quantity) in cells for r in frame[row_col]], dtype=bool)


__all__ = ["BASELINE_BLOCKS", "REGISTRY", "baseline_quantities", "compute_all", "decide",
           "hidden_mask", "register", "unit_table"]


from . import set_tables_survey  # noqa: E402,F401  (registers the survey chapter's tables)
