"""Chapter 'participants': CONSORT-style flow and baseline table by arm, per project."""

from __future__ import annotations

import pandas as pd

from .. import flow as flowmod
from .. import plots
from ..chapter import Chapter
from ..codebook import ARMS, OFFICES, PARTICIPANTS
from ..publish import HIDDEN, Column, publish_count
from ..text import arm_name, fmt_date, fmt_int


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
    """Baseline table by arm, one table per project."""
    ch.section("pt_baseline")
    ch.text("pt_baseline_text")
    lang = ch.language
    a = ch.data.analysed
    project_var = OFFICES.var("project")
    for project in [p for p in project_var.codes if p in set(a["project"])]:
        sub = a[a["project"] == project]
        bt = flowmod.baseline_table(sub, ch.data.cutoff, lang)
        arms = [arm for arm in ARMS if arm in set(bt["arm"])]
        wide = _baseline_wide(bt, arms, lang)
        cols = [Column("label", ch.t("h_characteristic"))]
        for arm in arms:
            cols += [Column(f"n_{arm}", f"{arm_name(arm, lang)} (n)", "count"),
                     Column(f"v_{arm}", f"{arm_name(arm, lang)} (%)", "num", base=f"base_{arm}",
                            decimals=1)]
        ch.table(wide, cols, ch.t("pt_baseline_caption",
                                  project=project_var.code_label(project, lang)),
                 ch.t("source_participants"),
                 note=ch.t("age") + ": " + ("(n) = antall med alder, (%) = gjennomsnitt"
                                            if lang != "en" else "(n) = with age, (%) = mean"))


def _baseline_wide(bt: pd.DataFrame, arms: list[str], lang: str) -> pd.DataFrame:
    rows = []
    order = [("n", "")] + [("age", "")]
    for var in ("gender", "main_benefit", "education"):
        order += [(var, c) for c in PARTICIPANTS.var(var).codes]
    order += [("immigrant", "1")]
    from ..text import t

    for var, level in order:
        if var == "n":
            label = t("n_people", lang)
        elif var == "age":
            label = t("age", lang)
        elif var == "immigrant":
            label = t("immigrant_yes", lang)
        else:
            label = f"{PARTICIPANTS.var(var).label(lang)}: {PARTICIPANTS.var(var).code_label(level, lang)}"
        row = {"label": label}
        for arm in arms:
            r = bt[(bt["variable"] == var) & (bt["level"] == level) & (bt["arm"] == arm)]
            if r.empty:
                row[f"n_{arm}"], row[f"v_{arm}"], row[f"base_{arm}"] = 0, float("nan"), 0
                continue
            r = r.iloc[0]
            row[f"n_{arm}"] = r["n"]
            if var == "n":
                row[f"v_{arm}"] = float("nan")
                row[f"base_{arm}"] = r["n"]
            elif var == "age":
                row[f"v_{arm}"] = r["value"]
                row[f"base_{arm}"] = r["n"]
            else:
                row[f"v_{arm}"] = 100 * r["value"]
                row[f"base_{arm}"] = r["n"]  # a share of a small cell reveals the cell
        rows.append(row)
    return pd.DataFrame(rows)
