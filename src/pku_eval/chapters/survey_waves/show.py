"""The pages of the 'survey_waves' chapter: one ``show_*`` function per section (prose, tables
and figures through the publishing path). Which number may be shown is decided by the
chapter's suppression policy (``ch.policy``), never here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import text
from ...codebook import ARMS, EMPLOYMENT_CODES, OFFICES, SCALES, SURVEY_SCALES
from ...publish import Column
from ...text import arm_name, fmt_int, fmt_num, fmt_p
from .analyses import CONTROL, FAST_ENGINE_ABOVE, OTHER_PROJECTS, PROJECTS, TREATMENT, Missing
from .computation import SurveyWaves
from .figures import items_figure, tipping_figure, trajectory_figure
from .set_cells import change_mask, employment_cells, means_mask, reliability_mask
from .tipping import DELTA_STEP, delta_width


def _scale_label(scale: str, lang: str) -> str:
    return SCALES[scale].label(lang)


def _project_label(project: str, lang: str) -> str:
    return OFFICES.var("project").code_label(project, lang)


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {text.t('sw_and', lang)} " + parts[-1]


def show_intro(ch, res: SurveyWaves) -> None:
    """The chapter's opening paragraph (or the notice that the survey is missing)."""
    if res.absent:
        ch.notice(ch.t("sw_no_survey"))
        return
    n = {arm: res.n_randomised.get(arm, 0) for arm in (TREATMENT, CONTROL)}
    hidden = res.n_randomised_withheld
    ch.text("sw_intro", **{key: ch.policy.cell(n[arm], None, ch.language,
                                               hidden=hidden.get(arm, False))
                           for key, arm in (("n_t", TREATMENT), ("n_c", CONTROL))})


def show_reliability(ch, res: SurveyWaves) -> None:
    """Alpha and omega per scale and wave, and the item distributions at T0."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_rel")
    parts = []
    rel = res.reliability.set_index(["scale", "wave"])
    for scale in SURVEY_SCALES:
        a = res.alpha[scale]
        label = _scale_label(scale, lang).lower()
        if isinstance(a, Missing):
            parts.append(ch.t("sw_rel_item_none", scale=label, reason=a.show(lang)))
        else:
            r = rel.loc[(scale, "T0")]
            parts.append(ch.t("sw_rel_item", value=fmt_num(a, 2, lang),
                              low=fmt_num(r["ci_low"], 2, lang),
                              high=fmt_num(r["ci_high"], 2, lang), scale=label))
    ch.text("sw_rel_text", alphas=_join(parts, lang))
    tab = ch.policy.withhold(res.reliability, "n", reliability_mask(ch, res.reliability))
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    tab["wave"] = tab["wave"].astype(str)
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n", ch.t("sw_h_n"), "count"),
                   Column("alpha", ch.t("sw_h_alpha"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2),
                   Column("omega", ch.t("sw_h_omega"), "num", base="n", decimals=2)],
             ch.t("sw_rel_caption"), ch.t("source_survey"), note=ch.t("sw_rel_note"))
    if ch.policy.enough(res.items["n"].max()):
        ch.figure(items_figure(res.items, lang, ch.policy), ch.t("sw_items_caption"),
                  ch.t("source_survey"), note=ch.t("sw_items_note", min_cell=ch.policy.min_cell))


def _means_columns(ch) -> list[Column]:
    return [Column("project", ch.t("sw_h_project")), Column("arm", ch.t("h_arm")),
            Column("wave", ch.t("h_wave")), Column("n", ch.t("sw_h_n"), "count"),
            Column("mean", ch.t("sw_h_mean"), "num", base="n", decimals=2),
            Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
            Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)]


def _ordered_means(means: pd.DataFrame, scale: str, waves: list[str]) -> pd.DataFrame:
    m = means[means["scale"] == scale].copy()
    m["_p"] = m["project"].map({p: i for i, p in enumerate(PROJECTS)})
    m["_a"] = m["arm"].map({a: i for i, a in enumerate(ARMS)})
    m["_w"] = m["wave"].map({w: i for i, w in enumerate(waves)})
    return m.sort_values(["_p", "_a", "_w"])


def _means(ch, res: SurveyWaves) -> pd.DataFrame:
    """The means with the answer counts this report withholds (decided with every report of
    the set) marked: the tables and the trajectory figures show neither those counts nor the
    means resting on them."""
    return ch.policy.withhold(res.means, "n", means_mask(ch, res.means))


def show_means(ch, res: SurveyWaves) -> None:
    """Trajectories figure (KLAR arms) and the means tables per scale (all projects)."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_means")
    ch.text("sw_means_text")
    from ...plots import ARM_COLOURS, ARM_LINESTYLE, ARM_MARKER

    means = _means(ch, res)
    klar = means[means["project"] == "klar"]
    arms = [a for a in ARMS if a in set(klar["arm"])]
    if arms:
        groups = [("klar", a, arm_name(a, lang), ARM_COLOURS[a], ARM_LINESTYLE[a], ARM_MARKER[a])
                  for a in arms]
        ch.figure(trajectory_figure(means, groups, list(res.waves), lang, ch.policy),
                  ch.t("sw_traj_caption"), ch.t("source_survey"),
                  note=ch.t("sw_traj_note", min_cell=ch.policy.min_cell))
    for scale in SURVEY_SCALES:
        m = _ordered_means(means, scale, list(res.waves))
        m["project"] = m["project"].map(lambda p: _project_label(p, lang))
        m["arm"] = m["arm"].map(lambda a: arm_name(a, lang))
        ch.table(m, _means_columns(ch), ch.t("sw_means_caption", scale=_scale_label(scale, lang)),
                 ch.t("source_survey"))


def show_model(ch, res: SurveyWaves) -> None:
    """The KLAR trial's arm × wave effects: method, one sentence per estimate, the table."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_model")
    ch.text("sw_model_method")
    for scale in SURVEY_SCALES:
        rows = res.model[res.model["scale"] == scale]
        if rows.empty:
            continue
        parts, sides = [], set()
        for _, r in rows.iterrows():
            if r["missing"] is not None:
                parts.append(ch.t("sw_model_part_missing", wave=r["wave"],
                                  reason=r["missing"].show(lang)))
                continue
            parts.append(ch.t("sw_model_part", wave=r["wave"], est=fmt_num(r["estimate"], 2, lang),
                              low=fmt_num(r["ci_low"], 2, lang),
                              high=fmt_num(r["ci_high"], 2, lang)))
            sides.add("up" if r["ci_low"] > 0 else "down" if r["ci_high"] < 0 else "null")
        verdict = (ch.t(f"sw_verdict_{sides.pop()}") if len(sides) == 1
                   else ch.t("sw_verdict_mixed") if sides else "")
        ch.text("sw_model_result", scale=_scale_label(scale, lang), parts=_join(parts, lang),
                verdict=verdict)
    ch.text("sw_model_limits")
    tab = res.model.copy()
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    # an estimate rests on the smaller arm (withheld by the publishing path when it is too
    # small); '–' when not computed
    tab["base"] = tab[["n_treatment", "n_control"]].min(axis=1)
    note = ch.t("sw_model_note")
    if res.fast_engine:
        note += " " + ch.t("sw_engine_note", n=fmt_int(FAST_ENGINE_ABOVE, lang))
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n_treatment", ch.t("sw_h_n_t"), "count"),
                   Column("n_control", ch.t("sw_h_n_c"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="base", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="base", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="base", decimals=2)],
             ch.t("sw_model_caption"), ch.t("source_survey"), note=note)


def _mcar_columns(ch, unit: str = "sw_h_n") -> list[Column]:
    return [Column("scale", ch.t("sw_h_scale")), Column("n", ch.t(unit), "count"),
            Column("n_patterns", ch.t("sw_h_patterns"), "num", base="n", decimals=0),
            Column("statistic", ch.t("sw_h_chi2"), "num", base="n", decimals=1),
            Column("df", ch.t("sw_h_df"), "num", base="n", decimals=0),
            Column("p_text", ch.t("sw_h_p"))]


def _mcar_display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out["scale"] = out["scale"].map(lambda s: _scale_label(s, lang))
    out["p_text"] = out["p_value"].map(lambda p: fmt_p(p, lang))
    return out


def _mcar_note(ch, table: pd.DataFrame) -> str | None:
    sampled = table[table["n"] < table["total"]]
    if sampled.empty:
        return None
    return ch.t("sw_mcar_subsample", n=fmt_int(sampled["n"].max(), ch.language),
                total=fmt_int(sampled["total"].max(), ch.language))


def show_mcar_items(ch, table: pd.DataFrame, section: bool = True) -> None:
    """Little's test on the items (used by this chapter and by data_quality.show_mcar)."""
    if section:
        ch.section("sw_mcar_section")
    ok = table[table["p_value"].notna()]
    if len(ok):
        worst = ok.sort_values("p_value").iloc[0]
        ch.text("sw_mcar_dq_text", p=fmt_p(worst["p_value"], ch.language),
                scale=_scale_label(worst["scale"], ch.language).lower())
    ch.table(_mcar_display(table, ch.language), _mcar_columns(ch), ch.t("sw_mcar_items_caption"),
             ch.t("source_survey"), note=_mcar_note(ch, table))


def show_missing(ch, res: SurveyWaves) -> None:
    """Little's tests and the sensitivity table (all available vs complete cases vs MI)."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_missing")
    ch.text("sw_mcar_text")
    ch.table(_mcar_display(res.mcar_items, lang), _mcar_columns(ch),
             ch.t("sw_mcar_items_caption"), ch.t("source_survey"),
             note=_mcar_note(ch, res.mcar_items))
    tested = res.mcar_waves[res.mcar_waves["p_value"].notna()]
    if len(tested):
        worst = tested.sort_values("p_value").iloc[0]
        ch.text("sw_mcar_waves_result", p=fmt_p(worst["p_value"], lang),
                scale=_scale_label(worst["scale"], lang).lower(),
                verdict=ch.t("sw_mcar_pattern" if worst["p_value"] < 0.05
                             else "sw_mcar_no_pattern"))
    ch.table(_mcar_display(res.mcar_waves, lang), _mcar_columns(ch, "sw_h_participants"),
             ch.t("sw_mcar_waves_caption"), ch.t("source_survey"),
             note=_mcar_note(ch, res.mcar_waves))
    s = res.sensitivity
    if s.empty:
        ch.text("sw_sens_none")
        return
    main = s[s["method"] == "all"].set_index(["scale", "wave"])["estimate"]
    other = s[s["method"] != "all"].join(main.rename("main"), on=["scale", "wave"])
    diff = float((other["estimate"] - other["main"]).abs().max()) if len(other) else 0.0
    outside = int(((other["main"] < other["ci_low"]) | (other["main"] > other["ci_high"])).sum())
    ch.text("sw_sens_text", diff=fmt_num(diff, 2, lang))
    if outside:
        ch.text("sw_sens_differ", n=fmt_int(outside, lang), total=fmt_int(len(other), lang))
    else:
        ch.text("sw_sens_agree")
    tab = s.copy()
    order = {"all": 0, "cc": 1, "mi": 2}
    tab["_s"] = tab["scale"].map({sc: i for i, sc in enumerate(SURVEY_SCALES)})
    tab = tab.assign(_m=tab["method"].map(order)).sort_values(["_s", "wave", "_m"])
    tab["scale"] = tab["scale"].map(lambda sc: _scale_label(sc, lang))
    tab["method"] = tab["method"].map(lambda m: ch.t(f"sw_method_{m}"))
    note = ch.t("sw_mi_note", m=res.mi["m"], seed=res.mi["seed"])
    if res.mi["n"] < res.mi["total"]:
        note += " " + ch.t("sw_mi_subsample", n=fmt_int(res.mi["n"], lang),
                           total=fmt_int(res.mi["total"], lang))
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("method", ch.t("sw_h_method")),
                   Column("n", ch.t("sw_h_participants"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("sw_sens_caption"), ch.t("source_survey"), note=note)
    show_tipping(ch, res)


def show_tipping(ch, res: SurveyWaves) -> None:
    """The δ-adjusted (MNAR) tipping point: per scale, in words for the last reported wave,
    the figure of the effect against δ, and the table of every wave."""
    t = res.tipping
    if res.absent or t is None or t.empty:
        return
    lang = ch.language
    ch.text("sw_tip_intro", m=fmt_int(res.tipping_info["m"], lang))
    parts, shown = [], t[t["missing"].isna()]
    for scale in SURVEY_SCALES:
        rows = t[t["scale"] == scale]
        if rows.empty:
            continue
        ok = shown[shown["scale"] == scale]
        r = ok.iloc[-1] if len(ok) else rows.iloc[-1]
        label, wave = _scale_label(scale, lang).lower(), r["wave"]
        if r["missing"] is not None:
            parts.append(ch.t("sw_tip_item_missing", scale=label, wave=wave,
                              reason=r["missing"].show(lang)))
            continue
        est = {k: fmt_num(r[k], 2, lang) for k in ("estimate", "ci_low", "ci_high")}
        if r["tipping"] is None or pd.isna(r["tipping"]):
            parts.append(ch.t("sw_tip_item_none", scale=label, wave=wave, **est,
                              limit=fmt_num(delta_width(scale), 0, lang)))
        else:
            parts.append(ch.t("sw_tip_item", scale=label, wave=wave, **est,
                              delta=fmt_num(abs(r["tipping"]), 2, lang),
                              direction=ch.t("sw_tip_lower" if r["tipping"] < 0
                                             else "sw_tip_higher")))
    ch.text("sw_tip_text", items=_join(parts, lang))
    if res.tipping_info["n"] < res.tipping_info["total"]:
        ch.text("sw_tip_subsample", n=fmt_int(res.tipping_info["n"], lang),
                total=fmt_int(res.tipping_info["total"], lang))
    last = shown.groupby("scale", sort=False).tail(1)[["scale", "wave"]]
    curve = res.tipping_curve.merge(last, on=["scale", "wave"])
    if len(curve):
        ch.figure(tipping_figure(curve, t, lang), ch.t("sw_tip_caption"),
                  ch.t("source_survey"), note=ch.t("sw_tip_note"))
    tab = shown.copy()
    tab["scale"] = tab["scale"].map(lambda sc: _scale_label(sc, lang))
    tab["tipping"] = tab["tipping"].astype(float)
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n", ch.t("sw_h_participants"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2),
                   Column("tipping", ch.t("sw_h_tipping"), "num", base="n", decimals=2)],
             ch.t("sw_tip_table_caption"), ch.t("source_survey"),
             note=ch.t("sw_tip_table_note", step=fmt_num(DELTA_STEP, 2, lang)))


def show_employment(ch, res: SurveyWaves) -> None:
    """Self-reported employment by wave and arm, one table per project (counts and shares).

    The number of valid answers of a wave and arm is shown, so the counts of its codes are one
    line with a known total; which counts are withheld is decided with every other report of
    the set (:func:`.set_cells.employment_cells`), and a share goes with its count."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_emp")
    ch.text("sw_emp_text")
    emp = res.employment
    codes = list(EMPLOYMENT_CODES)
    from ...codebook import SURVEY

    status_var = SURVEY.var("employment")
    hidden = employment_cells(ch)
    for project in [p for p in PROJECTS if p in set(emp["project"])]:
        sub = emp[emp["project"] == project]
        arms = [a for a in ARMS if a in set(sub["arm"])]
        rows = []
        for wave in res.waves:
            w = sub[sub["wave"] == wave]
            if w.empty:
                continue
            base = w.drop_duplicates("arm").set_index("arm")["base"]
            row = {"wave": wave, "status": ch.t("sw_emp_valid"), "_code": "base"}
            for a in arms:
                row[f"n_{a}"], row[f"p_{a}"] = int(base.get(a, 0)), np.nan
            rows.append(row)
            for code in codes:
                row = {"wave": wave, "status": status_var.code_label(code, lang), "_code": code}
                for a in arms:
                    hit = w[(w["arm"] == a) & (w["employment"] == code)]
                    row[f"n_{a}"] = int(hit["n"].sum())
                    row[f"p_{a}"] = float(hit["share"].sum()) if int(base.get(a, 0)) else np.nan
                rows.append(row)
        cols = [Column("wave", ch.t("h_wave")), Column("status", ch.t("sw_h_status"))]
        for a in arms:
            cols += [Column(f"n_{a}", f"{arm_name(a, lang)} (n)", "count"),
                     Column(f"p_{a}", f"{arm_name(a, lang)} (%)", "pct", base=f"n_{a}")]
        ch.table(_withhold_cells(ch.policy, pd.DataFrame(rows), project, arms, hidden), cols,
                 ch.t("sw_emp_caption", project=_project_label(project, lang)),
                 ch.t("source_survey"))


def show_other_projects(ch, res: SurveyWaves) -> None:
    """Ung@jobb and Sør-Trøndelag: means by wave (figure) and within-person change (table),
    clearly labelled descriptive."""
    if res.absent:
        return
    lang = ch.language
    ch.section("sw_other")
    present = [p for p in OTHER_PROJECTS if p in set(res.means["project"])]
    if not present:
        ch.text("sw_other_none")
        return
    ch.text("sw_other_text")
    from ...plots import ARM_COLOURS, ARM_LINESTYLE, ARM_MARKER

    looks = {"ungjobb": ("treatment", "treatment"), "sortrondelag": ("all", "all")}
    groups = [(p, "treatment", _project_label(p, lang), ARM_COLOURS[looks[p][0]],
               ARM_LINESTYLE[looks[p][1]], ARM_MARKER[looks[p][1]]) for p in present]
    ch.figure(trajectory_figure(_means(ch, res), groups, list(res.waves), lang, ch.policy),
              ch.t("sw_other_fig_caption"), ch.t("source_survey"),
              note=ch.t("sw_traj_note", min_cell=ch.policy.min_cell))
    tab = res.change[res.change["project"].isin(present)]
    tab = ch.policy.withhold(tab, "n", change_mask(ch, tab))
    tab["project"] = tab["project"].map(lambda p: _project_label(p, lang))
    tab["scale"] = tab["scale"].map(lambda s: _scale_label(s, lang))
    ch.table(tab, [Column("project", ch.t("sw_h_project")), Column("scale", ch.t("sw_h_scale")),
                   Column("wave", ch.t("sw_h_wave_from")),
                   Column("n", ch.t("sw_h_pairs"), "count"),
                   Column("mean_first", "T0", "num", base="n", decimals=2),
                   Column("mean_second", ch.t("sw_h_mean"), "num", base="n", decimals=2),
                   Column("estimate", ch.t("sw_h_change"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("sw_change_caption"), ch.t("source_survey"))


def _withhold_cells(policy, table: pd.DataFrame, project: str, arms: list[str],
                    hidden: frozenset) -> pd.DataFrame:
    """``table`` (one project's rows: the valid answers of a wave, ``_code`` "base", and each
    code's count) with the counts withheld that the set decision withholds
    (:func:`.set_cells.employment_cells`: the small ones, and whatever else would let a
    reader derive one from this table, the other reports' tables or the valid answers)."""
    for a in arms:
        mask = [(f"{project}|{w}|{a}", c) in hidden
                for w, c in zip(table["wave"].astype(str), table["_code"])]
        table = policy.withhold(table, f"n_{a}", mask)
    return table


def show_coaches(ch, res: SurveyWaves) -> None:
    """The job coaches: the partially nested model per scale and wave beside the main model's
    interval width (how much taking the coaches into account widens it)."""
    if res.absent or res.nested is None or res.nested.empty:
        return
    lang = ch.language
    ch.section("sw_coach")
    t = res.nested
    fitted = t[t["missing"].isna()]
    if fitted.empty:
        why = next((m for m in t["missing"] if m is not None), Missing("too_few"))
        ch.notice(ch.t("sw_coach_none", why=why.show(lang)))
        return
    ch.text("sw_coach_text", ratio_low=fmt_num(fitted["width_ratio"].min(), 2, lang),
            ratio_high=fmt_num(fitted["width_ratio"].max(), 2, lang),
            icc=fmt_num(100 * fitted["icc"].max(), 0, lang))
    tab = fitted.copy()
    tab["scale"] = tab["scale"].map(lambda sc: _scale_label(sc, lang))
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("n", ch.t("sw_h_participants"), "count"),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="n", decimals=2),
                   Column("width_ratio", ch.t("sw_h_width_ratio"), "num", base="n",
                          decimals=2)],
             ch.t("sw_coach_caption"), ch.t("source_survey"), note=ch.t("sw_coach_note"))
