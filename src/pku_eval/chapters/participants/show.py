"""Chapter 'participants': the pages — the flow (CONSORT diagram of the randomised trial, the
other groups' participation, the flow table) and the baseline tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import flow as flowmod
from ... import plots
from ...chapter import Chapter
from ...codebook import ARMS, OFFICES, PARTICIPANTS
from ...publish import Column
from ...shared_counts import shared_counts
from ...text import arm_name, fmt_date
from .computation import Participants, shown_flow
from .figures import flow_alt, flow_diagram


def _with_alt(fig, alt: str):
    """The figure with its text alternative (``pku_alt``: read where it is published)."""
    fig.pku_alt = alt
    return fig


def show_flow(ch: Chapter, result: Participants) -> None:
    """The CONSORT diagram of the randomised trial, the other groups' participation, and the
    flow table. Returns nothing: a notebook cell would display a returned frame (the raw,
    unsuppressed flow counts) in the report."""
    ch.section("pt_flow")
    lang, policy = ch.language, ch.policy
    fl = result.flow
    shown = shown_flow(fl, policy, result.shared.get("report"))
    tot = fl[["enrolled", "withdrawn", "analysed"]].sum()
    # a total over the arms gives back an arm's withheld count: withheld with it; and as
    # enrolled = withdrawn + analysed, never one of the three totals alone
    off = {c: bool(shown[c].map(policy.hides).any())
           for c in ("enrolled", "withdrawn", "analysed")}
    off["withdrawn"] |= policy.hides(int(tot["withdrawn"]))
    if sum(off.values()) == 1:
        off["enrolled" if off["withdrawn"] else "withdrawn"] = True
    ch.text("pt_flow_text",
            **{c: policy.cell(int(tot[c]), None, lang, hidden=off[c]) for c in off},
            cutoff=fmt_date(ch.data.cutoff, lang), figure=ch.next_figure)
    project = OFFICES.var("project")
    if len(result.trial):
        trial = shown_flow(result.trial, policy, result.shared.get("trial"))
        titles = [arm_name(arm, lang) for arm in trial.index]
        names = ", ".join(project.code_label(p, lang) for p in result.trial_projects)
        fig = flow_diagram(trial, titles, [plots.ARM_COLOURS[a] for a in trial.index],
                           ch.waves, lang, policy, randomised=True)
        ch.figure(_with_alt(fig, flow_alt(trial, titles, ch.waves, lang, policy)),
                  ch.t("pt_consort_caption", project=names), ch.t("source_participants"),
                  note=ch.t("pt_consort_note"))
    if len(result.others):
        others = shown_flow(result.others.reset_index(drop=True), policy,
                            result.shared.get("others"))
        titles = [ch.t("pt_group_title", project=project.code_label(r.project, lang),
                       arm=arm_name(r.arm, lang)) for r in others.itertuples()]
        fig = flow_diagram(others, titles, [plots.ARM_COLOURS[a] for a in others["arm"]],
                           ch.waves, lang, policy, randomised=False)
        ch.figure(_with_alt(fig, flow_alt(others, titles, ch.waves, lang, policy)),
                  ch.t("pt_others_caption"), ch.t("source_participants"),
                  note=ch.t("pt_others_note"))
    # the flow table, per arm over all projects (``shown``: as the report's decision withholds)
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
        # the table's "n" is the project's analysed count per arm (in an office's report, the
        # office's): a shared count, withheld where every report of the set withholds it —
        # and then the whole column, whose categories add up to it
        shared = shared_counts(ch.data, list(ch.params.waves), ch.policy,
                               ch.params.filter or {"project": project})
        withheld = {arm for arm in arms if shared.is_hidden("analysed", arm)}
        cells = _baseline_cells(ch)
        withheld |= {arm for arm in arms if (f"{project}|{arm}", "n") in cells}
        wide = _baseline_wide(bt, arms, lang, ch.policy, withheld,
                              {(arm, q) for arm in arms for (row, q) in cells
                               if row == f"{project}|{arm}"})
        cols = [Column("label", ch.t("h_characteristic"))]
        cols += [Column(arm, f"{arm_name(arm, lang)}, n (%)", "cell") for arm in arms]
        ch.table(wide, cols, ch.t("pt_baseline_caption",
                                  project=project_var.code_label(project, lang)),
                 ch.t("source_participants"), note=ch.t("pt_baseline_note"))


def _baseline_cells(ch: Chapter) -> frozenset:
    """The baseline table's category counts this report withholds, decided with every other
    report of the set (the whole, each project, each office: a project's table minus one of
    its two offices' gives the other's, :func:`pku_eval.set_tables.baseline_counts`)."""
    from ...set_tables import decide
    from ...set_tables import baseline_quantities

    quantities, relations, shown = baseline_quantities()
    return decide(ch.data, "baseline", quantities, relations, shown, ch.policy,
                  ch.params.filter)


def _baseline_wide(bt: pd.DataFrame, arms: list[str], lang: str, policy,
                   withheld: set = frozenset(), cells: set = frozenset()) -> pd.DataFrame:
    """The baseline table, wide; the ``withheld`` arms' columns withheld whole, and the
    ``cells`` ``(arm, "<var>:<code>")`` the set decision withholds."""
    from ...text import fmt_num, t

    rows = []
    n_arm = {arm: int(bt[(bt["variable"] == "n") & (bt["arm"] == arm)]["n"].iloc[0])
             for arm in arms}
    rows.append({"label": t("n_people", lang),
                 **{arm: policy.cell(n_arm[arm], None, lang, arm in withheld)
                    for arm in arms}})
    age = {}
    for arm in arms:
        r = bt[(bt["variable"] == "age") & (bt["arm"] == arm)].iloc[0]
        age[arm] = policy.cell(0, None, lang, True) if arm in withheld else \
            policy.text_or_mark(
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
        hidden = hidden | np.array([[arm in withheld for arm in arms]] * len(levels),
                                   dtype=bool).reshape(hidden.shape)
        hidden = hidden | np.array([[(arm, f"{var}:{lvl}") in cells for arm in arms]
                                    for lvl in levels], dtype=bool).reshape(hidden.shape)
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
