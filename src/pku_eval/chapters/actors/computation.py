"""The computation of chapter 'actors' (pure: nothing here draws, writes or changes its inputs).
:func:`compute` returns a frozen :class:`Actors` whose ``values`` are every results.json value of
the chapter; what is withheld is decided by the suppression policy
(:class:`pku_eval.disclosure.Policy`), never here.

The evaluator's survey of the actors of the four-party collaboration (NAV practice, users,
researchers, education, others) in the three county projects, in two rounds. Scales
(DATA_CONTRACT.md): ``collaboration`` (mean of 5 items, at least 4 answered), ``learning`` and
``organisation`` (4 items, at least 3). Headline keys (REPORT_SPEC.md "Actor means"):
``actors.<scale>.<round>.mean`` over all answers of the round (all projects, all parties) and
``actors.<scale>.change`` = second − first with the answers of each round as independent samples
(Welch t). The paired analysis of the respondents who answered both rounds (same
``respondent_id``) is a check that the change is not only a change of who answered; it goes in
``actors.<scale>.paired``.

The survey is per project: in a report filtered to one office, every key is null with that
reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ... import stats
from ...codebook import ACTOR_PARTIES, ACTOR_ROUNDS, ACTOR_SCALES, SCALES
from ...disclosure import Policy
from ...params import Params
from ...values import SUPPRESSED, Value, frozen_values
from .. import rounds

PROJECTS = ("klar", "ungjobb", "sortrondelag")

#: Reasons of a null (results.json ``null_reasons``).
NO_FILE = "no actor_survey file"
PER_PROJECT = ("the actor survey is per project, not per office: this report is filtered to "
               "one office")
NOT_YET = ("the actor survey had not yet been carried out by the cut-off (rounds in spring "
           "2016 and spring 2017)")
NOT_ANSWERED = {"first": "first round not yet carried out by the cut-off",
                "second": "second round not yet carried out by the cut-off"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True)
class Actors:
    """Everything the chapter shows and records (see :func:`compute`). The ``hidden_*``
    columns of the group tables are the policy's decisions; the show code only renders
    them."""

    status: str                     # ok | no_file | per_project | not_yet
    values: Mapping[str, Value]
    n_answers: Mapping[str, int] = field(default_factory=dict)
    cutoff: pd.Timestamp | None = None
    response: pd.DataFrame = field(default_factory=_frame)     # project, party, n_first, …
    reliability: pd.DataFrame = field(default_factory=_frame)  # scale, round, estimate, …
    means: pd.DataFrame = field(default_factory=_frame)        # scale, round, n, mean, ci
    change: pd.DataFrame = field(default_factory=_frame)       # scale, analysis, estimate, …
    by_party: pd.DataFrame = field(default_factory=_frame)
    by_project: pd.DataFrame = field(default_factory=_frame)
    items: pd.DataFrame = field(default_factory=_frame)        # scale, item, round, n, p1…p5
    n_linked: int = 0

    @property
    def rounds(self) -> list[str]:
        """The rounds with at least one answer."""
        return [r for r in ACTOR_ROUNDS if self.n_answers.get(r, 0) > 0]


def _null_values(reason: str) -> dict[str, Value]:
    values = {}
    for scale in ACTOR_SCALES:
        for rnd in ACTOR_ROUNDS:
            values[f"actors.{scale}.{rnd}.mean"] = Value.null(reason)
        values[f"actors.{scale}.change"] = Value.null(reason)
        values[f"actors.{scale}.paired"] = Value.null(reason)
    for rnd in ACTOR_ROUNDS:
        values[f"actors.respondents.{rnd}"] = Value.null(reason)
    return values


def _group_means(d: pd.DataFrame, by: str, order: tuple[str, ...], hidden) -> pd.DataFrame:
    """Per group and scale: n, mean and CI in each round (wide), the change second − first and
    its base; ``hidden_<round>`` the decision on the counts, ``hidden(group, scale, round)``
    (made for every report of the set together: :func:`_set_decision`)."""
    rows = []
    for scale in ACTOR_SCALES:
        m = stats.mean_ci(d, scale, by=[by, "round"])
        for group in [g for g in order if g in set(d[by])]:
            row = {by: group, "scale": scale}
            for rnd in ACTOR_ROUNDS:
                r = m[(m[by] == group) & (m["round"] == rnd)]
                row[f"n_{rnd}"] = int(r["n"].iloc[0]) if len(r) else 0
                for col in ("mean", "ci_low", "ci_high"):
                    row[f"{col}_{rnd}"] = float(r[col].iloc[0]) if len(r) else np.nan
            rows.append(row)
    cols = [by, "scale"] + [f"{c}_{r}" for r in ACTOR_ROUNDS
                            for c in ("n", "mean", "ci_low", "ci_high")]
    out = pd.DataFrame(rows, columns=cols)
    out["change"] = out["mean_second"] - out["mean_first"]
    out["base_change"] = out[["n_first", "n_second"]].min(axis=1)
    for rnd in ACTOR_ROUNDS:
        out[f"hidden_{rnd}"] = np.array([bool(hidden(g, sc, rnd))
                                         for g, sc in zip(out[by], out["scale"])], dtype=bool)
    return out


def _response(d: pd.DataFrame, hidden) -> pd.DataFrame:
    """Answers per project, party and round; ``hidden_<round>``: withheld counts, decided for
    the set of reports (a project's row is the same cell in the whole report and the
    project's; the parties add up to the project, the projects to the whole)."""
    counts = d.groupby(["project", "party", "round"]).size()
    rows = [{"project": proj, "party": par,
             **{f"n_{r}": int(counts.get((proj, par, r), 0)) for r in ACTOR_ROUNDS},
             **{f"hidden_{r}": ("answers", f"{par}|{r}") in hidden({"project": proj})
                for r in ACTOR_ROUNDS}}
            for proj in PROJECTS if proj in set(d["project"])
            for par in ACTOR_PARTIES]
    return pd.DataFrame(rows, columns=["project", "party", *[f"n_{r}" for r in ACTOR_ROUNDS],
                                       *[f"hidden_{r}" for r in ACTOR_ROUNDS]])


def _set_decision(stage, policy: Policy):
    """The actor survey's withheld count cells of the report named by a filter, decided for
    the whole report and every project's together (:mod:`pku_eval.set_tables`)."""
    from ...set_tables import actor_quantities, decide

    quantities, relations = actor_quantities()
    return lambda flt: decide(stage, "actors", quantities, relations, quantities, policy, flt)


def _items(d: pd.DataFrame) -> pd.DataFrame:
    """Share of each answer 1–5 among the valid answers, per item and round."""
    rows = []
    for scale in ACTOR_SCALES:
        for item in SCALES[scale].items:
            for rnd in ACTOR_ROUNDS:
                if not (d["round"] == rnd).any():
                    continue
                v = d.loc[d["round"] == rnd, item].dropna()
                n = len(v)
                rows.append({"scale": scale, "item": item, "round": rnd, "n": n,
                             **{f"p{k}": (float((v == k).sum()) / n if n else np.nan)
                                for k in range(1, 6)}})
    return pd.DataFrame(rows, columns=["scale", "item", "round", "n",
                                       *[f"p{k}" for k in range(1, 6)]])


def compute(stage, params: Params) -> Actors:
    """Every number of the chapter, from the prepared data of a stage.

    Parameters
    ----------
    stage : pku_eval.tidy.StageData
        Data of the report stage (``actor_survey`` with the scale scores and items with 8/9
        as missing).
    params : pku_eval.params.Params
        The stage's params (``min_cell`` sets the suppression policy; a ``filter`` by office
        leaves the chapter without results, since the survey is per project).

    Returns
    -------
    Actors
        frozen; ``values`` maps every results.json path this chapter fills to a
        :class:`~pku_eval.values.Value` (nulls with their reason).
    """
    policy = Policy(params.min_cell)
    cutoff = stage.cutoff
    if not stage.has("actor_survey"):
        return Actors("no_file", frozen_values(_null_values(NO_FILE)), cutoff=cutoff)
    if params.filter and "office" in params.filter:
        return Actors("per_project", frozen_values(_null_values(PER_PROJECT)), cutoff=cutoff)
    d = stage.table("actor_survey")
    n_answers = {r: int((d["round"] == r).sum()) for r in ACTOR_ROUNDS}
    if d.empty:
        return Actors("not_yet", frozen_values(_null_values(NOT_YET)),
                      MappingProxyType(n_answers), cutoff=cutoff)

    values: dict[str, Value] = {}
    for rnd in ACTOR_ROUNDS:
        values[f"actors.respondents.{rnd}"] = (policy.count(n_answers[rnd]) if n_answers[rnd]
                                               else Value.null(NOT_ANSWERED[rnd]))
    means = stats.mean_ci(d.melt(id_vars=["round"], value_vars=list(ACTOR_SCALES),
                                 var_name="scale", value_name="score"),
                          "score", by=["scale", "round"])
    means = (means.set_index(["scale", "round"])
             .reindex(pd.MultiIndex.from_product([ACTOR_SCALES, ACTOR_ROUNDS],
                                                 names=["scale", "round"])).reset_index())
    means["n"] = pd.to_numeric(means["n"]).fillna(0).astype(int)
    change_rows = []
    for scale in ACTOR_SCALES:
        for rnd in ACTOR_ROUNDS:
            m = means[(means["scale"] == scale) & (means["round"] == rnd)].iloc[0]
            if n_answers[rnd] == 0:
                values[f"actors.{scale}.{rnd}.mean"] = Value.null(NOT_ANSWERED[rnd])
            elif m["n"] == 0:
                values[f"actors.{scale}.{rnd}.mean"] = Value.null(
                    f"no {rnd}-round answer has a {scale} score")
            else:
                values[f"actors.{scale}.{rnd}.mean"] = policy.stat(float(m["mean"]), m["n"])
        welch, reason, full = rounds.welch(d, scale, ACTOR_ROUNDS, NOT_ANSWERED, policy)
        values[f"actors.{scale}.change"] = Value(welch, reason=reason)
        change_rows.append({"scale": scale, "analysis": "all_answers", "reason": reason,
                            "n_first": full.get("n_first"), "n_second": full.get("n_second"),
                            **(welch or {})})
        paired, reason, full = rounds.paired(d, scale, ACTOR_ROUNDS, NOT_ANSWERED, policy)
        values[f"actors.{scale}.paired"] = Value(paired, reason=reason)
        change_rows.append({"scale": scale, "analysis": "same_people", "reason": reason,
                            "n_first": full.get("n_pairs"), "n_second": full.get("n_pairs"),
                            **{k: v for k, v in (paired or {}).items() if k != "n_pairs"}})
    change = pd.DataFrame(change_rows, columns=["scale", "analysis", "estimate", "ci_low",
                                                "ci_high", "p_value", "n_first", "n_second",
                                                "reason"])
    for col in ("n_first", "n_second"):
        change[col] = pd.to_numeric(change[col], errors="coerce")
    change["base"] = change[["n_first", "n_second"]].min(axis=1).fillna(0)

    reliability = rounds.reliability(d, ACTOR_SCALES, ACTOR_ROUNDS)
    for _, r in reliability.iterrows():
        path = f"actors.{r['scale']}.alpha.{r['round']}"
        if policy.too_few(r["n"]):
            values[path] = Value.null(SUPPRESSED, n=int(r["n"]))
        elif pd.isna(r["estimate"]):
            values[path] = Value.null("too few complete answers or no variance")
        else:
            values[path] = Value(float(r["estimate"]), n=int(r["n"]))
    hidden = _set_decision(stage, policy)
    linked = d.groupby("respondent_id")["round"].nunique()
    n_linked = int((linked == 2).sum())
    values["actors.linked"] = policy.count(n_linked)
    return Actors(
        status="ok", values=frozen_values(values), n_answers=MappingProxyType(n_answers),
        cutoff=cutoff, response=_response(d, hidden), reliability=reliability, means=means,
        change=change,
        by_party=_group_means(d, "party", ACTOR_PARTIES, lambda g, sc, r: (
            f"scale:{sc}", f"{g}|{r}") in hidden(params.filter)),
        by_project=_group_means(d, "project", PROJECTS, lambda g, sc, r: (
            f"scale:{sc}", f"all|{r}") in hidden({"project": g})),
        items=_items(d),
        n_linked=n_linked)
