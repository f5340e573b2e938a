"""Chapter 'participants': CONSORT-style flow and baseline table by arm, per project."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import flow as flowmod
from ... import plots
from ...chapter import Chapter
from ...codebook import ARMS, OFFICES, PARTICIPANTS
from ...disclosure import Policy
from ...params import Params
from ...publish import Column
from ...text import arm_name, fmt_date, fmt_int
from ...values import SUPPRESSED, Value, frozen_values

@dataclass(frozen=True)
class Participants:
    """The flow per arm (enrolled → withdrawn → analysed → with register data → answered each
    wave) and the results.json values (``flow.enrolled``, ``flow.withdrawn``)."""

    flow: pd.DataFrame
    values: Mapping[str, Value]


def compute(stage, params: Params) -> Participants:
    """The flow counts of the stage; a count the policy withholds is null ("suppressed")."""
    policy = Policy(params.min_cell)
    fl = flowmod.flow_counts(stage, list(params.waves))
    values = {}
    for key in ("enrolled", "withdrawn"):
        counts = {arm: policy.shown_count(int(fl.loc[arm, key])) for arm in ARMS}
        values[f"flow.{key}"] = Value(counts, reason=SUPPRESSED if None in counts.values()
                                      else None)
    return Participants(fl, frozen_values(values))


def show_flow(ch: Chapter, result: Participants) -> pd.DataFrame:
    """Flow figure and table."""
    ch.section("pt_flow")
    lang, policy = ch.language, ch.policy
    fl = result.flow
    tot = fl[["enrolled", "withdrawn", "analysed"]].sum()
    # a withheld total of withdrawals must not come back as enrolled − analysed
    ch.text("pt_flow_text", enrolled=fmt_int(tot["enrolled"], lang),
            withdrawn=policy.prose(int(tot["withdrawn"]), lang),
            analysed=policy.cell(int(tot["analysed"]), None, lang,
                                 hidden=policy.hides(int(tot["withdrawn"]))),
            cutoff=fmt_date(ch.data.cutoff, lang), figure=ch.next_figure)
    # likewise per arm in the figure and the table
    shown = ch.policy.withhold(fl, "analysed",
                               [ch.policy.hides(fl.loc[arm, "withdrawn"]) for arm in fl.index])
    ch.figure(plots.flow_figure(shown, ch.waves, lang, ch.policy), ch.t("pt_flow_caption"),
              ch.t("source_participants"))
    rows = []
    steps = ["enrolled", "withdrawn", "analysed", "with_outcome"]
    steps += [c for w in ch.waves for c in (f"due_{w}", f"answered_{w}")]
    for step in steps:
        if step.startswith(("due_", "answered_")):
            kind, wave = step.split("_")
            label = ch.t(f"{kind}_wave", wave=wave)
        else:
            label = ch.t(step)
        rows.append({"step": label, **{arm: shown.loc[arm, step] for arm in ARMS}})
    tab = pd.DataFrame(rows)
    ch.table(tab, [Column("step", ch.t("h_stage"))] +
             [Column(arm, arm_name(arm, lang), "count") for arm in ARMS],
             ch.t("pt_flow_table_caption"), ch.t("source_participants"))
    return fl


def show_baseline(ch: Chapter) -> None:
    """Baseline table by arm, one table per project: n (%) per category, mean (SD) of age;
    small counts suppressed, and within each characteristic a second cell when one alone
    would be recoverable from the arm's total."""
    ch.section("pt_baseline")
    ch.text("pt_baseline_text")
    lang = ch.language
    a = ch.data.analysed
    project_var = OFFICES.var("project")
    for project in [p for p in project_var.codes if p in set(a["project"])]:
        sub = a[a["project"] == project]
        bt = flowmod.baseline_table(sub, ch.data.cutoff, lang)
        arms = [arm for arm in ARMS if arm in set(bt["arm"])]
        wide = _baseline_wide(bt, arms, lang, ch.policy)
        cols = [Column("label", ch.t("h_characteristic"))]
        cols += [Column(arm, f"{arm_name(arm, lang)}, n (%)", "cell") for arm in arms]
        ch.table(wide, cols, ch.t("pt_baseline_caption",
                                  project=project_var.code_label(project, lang)),
                 ch.t("source_participants"), note=ch.t("pt_baseline_note"))


def _baseline_wide(bt: pd.DataFrame, arms: list[str], lang: str, policy) -> pd.DataFrame:
    from ...text import fmt_num, t

    rows = []
    n_arm = {arm: int(bt[(bt["variable"] == "n") & (bt["arm"] == arm)]["n"].iloc[0])
             for arm in arms}
    rows.append({"label": t("n_people", lang),
                 **{arm: policy.cell(n_arm[arm], None, lang) for arm in arms}})
    age = {}
    for arm in arms:
        r = bt[(bt["variable"] == "age") & (bt["arm"] == arm)].iloc[0]
        age[arm] = policy.text_or_mark(
            f"{fmt_num(r['value'], 1, lang)} ({fmt_num(r['sd'], 1, lang)})", n_arm[arm])
    rows.append({"label": t("age", lang), **age})
    blocks = [(var, list(PARTICIPANTS.var(var).codes)) for var in
              ("gender", "main_benefit", "education")] + [("immigrant", ["1"])]
    for var, levels in blocks:
        counts = np.array([[_cell(bt, var, lvl, arm, "n") for arm in arms] for lvl in levels])
        shares = np.array([[_cell(bt, var, lvl, arm, "value") for arm in arms]
                           for lvl in levels])
        hidden = policy.table_mask(counts) if len(levels) > 1 else \
            policy.count_mask(counts.ravel()).to_numpy().reshape(counts.shape)
        for i, lvl in enumerate(levels):
            if var == "immigrant":
                label = t("immigrant_yes", lang)
            else:
                v = PARTICIPANTS.var(var)
                label = f"{v.label(lang)}: {v.code_label(lvl, lang)}"
            rows.append({"label": label, **{
                arm: policy.cell(counts[i, j], shares[i, j], lang, hidden[i, j])
                for j, arm in enumerate(arms)}})
    return pd.DataFrame(rows)


def _cell(bt: pd.DataFrame, var: str, level: str, arm: str, col: str) -> float:
    r = bt[(bt["variable"] == var) & (bt["level"] == level) & (bt["arm"] == arm)]
    return float(r[col].iloc[0]) if len(r) else 0.0
