"""Chapter 'participants': CONSORT-style flow and baseline table by arm, per project."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import flow as flowmod
from ... import plots
from ...chapter import Chapter
from ...codebook import ARMS, OFFICES, PARTICIPANTS
from ...publish import HIDDEN, Column, publish_count
from ...text import arm_name, fmt_date, fmt_int

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).


def show_flow(ch: Chapter) -> pd.DataFrame:
    """Flow figure and table; records ``flow.enrolled`` and ``flow.withdrawn``."""
    ch.section("pt_flow")
    lang = ch.language
    fl = flowmod.flow_counts(ch.data, ch.waves)
    for key in ("enrolled", "withdrawn"):
        values = {arm: publish_count(int(fl.loc[arm, key]), ch.min_cell) for arm in ARMS}
        ch.result(f"flow.{key}", values, "suppressed" if None in values.values() else None)
    tot = fl[["enrolled", "withdrawn", "analysed"]].sum()
    ch.text("pt_flow_text", enrolled=fmt_int(tot["enrolled"], lang),
            withdrawn=fmt_int(tot["withdrawn"], lang), analysed=fmt_int(tot["analysed"], lang),
            cutoff=fmt_date(ch.data.cutoff, lang), figure=ch.next_figure)
    # a suppressed withdrawn count must not be recoverable as enrolled − analysed
    shown = fl.astype(object)
    for arm in ARMS:
        if 0 < fl.loc[arm, "withdrawn"] < ch.min_cell:
            shown.loc[arm, "analysed"] = HIDDEN
    ch.figure(plots.flow_figure(shown, ch.waves, lang, ch.min_cell), ch.t("pt_flow_caption"),
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
        wide = _baseline_wide(bt, arms, lang, ch.min_cell)
        cols = [Column("label", ch.t("h_characteristic"))]
        cols += [Column(arm, f"{arm_name(arm, lang)}, n (%)", "cell") for arm in arms]
        ch.table(wide, cols, ch.t("pt_baseline_caption",
                                  project=project_var.code_label(project, lang)),
                 ch.t("source_participants"), note=ch.t("pt_baseline_note"))


def _baseline_wide(bt: pd.DataFrame, arms: list[str], lang: str, min_cell: int) -> pd.DataFrame:
    from ...publish import count_cell, secondary_suppression
    from ...text import fmt_num, t

    rows = []
    n_arm = {arm: int(bt[(bt["variable"] == "n") & (bt["arm"] == arm)]["n"].iloc[0])
             for arm in arms}
    rows.append({"label": t("n_people", lang),
                 **{arm: count_cell(n_arm[arm], None, min_cell, lang) for arm in arms}})
    age = {}
    for arm in arms:
        r = bt[(bt["variable"] == "age") & (bt["arm"] == arm)].iloc[0]
        age[arm] = ("*" if 0 < n_arm[arm] < min_cell else
                    f"{fmt_num(r['value'], 1, lang)} ({fmt_num(r['sd'], 1, lang)})")
    rows.append({"label": t("age", lang), **age})
    blocks = [(var, list(PARTICIPANTS.var(var).codes)) for var in
              ("gender", "main_benefit", "education")] + [("immigrant", ["1"])]
    for var, levels in blocks:
        counts = np.array([[_cell(bt, var, lvl, arm, "n") for arm in arms] for lvl in levels])
        shares = np.array([[_cell(bt, var, lvl, arm, "value") for arm in arms]
                           for lvl in levels])
        primary = (counts > 0) & (counts < min_cell)
        hidden = secondary_suppression(counts, primary) if len(levels) > 1 else primary
        for i, lvl in enumerate(levels):
            if var == "immigrant":
                label = t("immigrant_yes", lang)
            else:
                v = PARTICIPANTS.var(var)
                label = f"{v.label(lang)}: {v.code_label(lvl, lang)}"
            rows.append({"label": label, **{
                arm: count_cell(counts[i, j], shares[i, j], min_cell, lang, hidden[i, j])
                for j, arm in enumerate(arms)}})
    return pd.DataFrame(rows)


def _cell(bt: pd.DataFrame, var: str, level: str, arm: str, col: str) -> float:
    r = bt[(bt["variable"] == var) & (bt["level"] == level) & (bt["arm"] == arm)]
    return float(r[col].iloc[0]) if len(r) else 0.0
