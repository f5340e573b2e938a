"""The employment chapter's primary analysis on the page: the estimand in ICH E9(R1) terms,
the primary estimate at the horizon with its companions, and the offices: the stratified
estimate, a test of heterogeneity and a forest plot instead of a p-value per office."""

from __future__ import annotations

import pandas as pd

from ...chapter import Chapter
from ...codebook import office_label
from ...publish import Column
from ...text import fmt_num, fmt_p
from .computation import Employment
from .figures import forest_figure
from .show import _why


def _pp(value, key: str, lang: str) -> str:
    return fmt_num(100 * value.estimate[key], 1, lang) if value.estimate[key] is not None \
        else "–"


def show_estimand(ch: Chapter, computed: Employment) -> None:
    """What the trial estimates (the estimand), and the primary estimate at the horizon."""
    if not computed.usable or computed.primary is None:
        return
    p, lang = computed.primary, ch.language
    ch.section("job_estimand")
    ch.text("job_estimand_text", months=p.horizon_months)
    ch.text("job_estimand_events")
    km, rmst, mh = p.km_rd, p.rmst, p.mh_rd
    if not km.shown:
        ch.notice(ch.t("job_not_shown", why=_why(ch, km.reason)))
        return
    ch.text("job_primary_text", months=p.horizon_months, rd=_pp(km, "estimate", lang),
            lo=_pp(km, "ci_low", lang), hi=_pp(km, "ci_high", lang))
    if rmst.shown:
        ch.text("job_rmst_text", months=p.horizon_months,
                d=fmt_num(rmst.estimate["estimate"], 1, lang),
                lo=fmt_num(rmst.estimate["ci_low"], 1, lang),
                hi=fmt_num(rmst.estimate["ci_high"], 1, lang),
                p=fmt_p(rmst.estimate["p_value"], lang))
    show_nnt(ch, computed)
    crude = computed.values["employment.risk_difference"]
    rows = [("job_pe_km", km, 100, True), ("job_pe_mh", mh, 100, False),
            ("job_pe_crude", crude, 100, False), ("job_pe_rmst", rmst, 1, False)]
    tab = []
    for key, value, scale, primary in rows:
        est = value.estimate if value.shown else {}
        tab.append({"what": ch.t(key, months=p.horizon_months),
                    "role": ch.t("job_role_primary" if primary else "job_role_supporting"),
                    **{k: (scale * est[k] if est.get(k) is not None else None)
                       for k in ("estimate", "ci_low", "ci_high")}})
    ch.table(pd.DataFrame(tab), [Column("what", ch.t("job_h_measure")),
                                 Column("role", ch.t("job_h_role")),
                                 Column("estimate", ch.t("job_h_estimate"), "num"),
                                 Column("ci_low", ch.t("job_h_ci_low"), "num"),
                                 Column("ci_high", ch.t("job_h_ci_high"), "num")],
             ch.t("job_primary_caption", months=p.horizon_months), ch.t("job_source"),
             note=ch.t("job_primary_note"))


def _nnt_number(x: float, lang: str) -> str:
    """A number needed to treat or harm for the text: its absolute value, one decimal."""
    return fmt_num(abs(x), 1, lang)


def show_nnt(ch: Chapter, computed: Employment) -> None:
    """The number needed to treat by the horizon with Altman's interval: on the benefit side,
    on the harm side, or through infinity from one to the other when the interval of the
    difference includes 0 (employment.horizon.nnt)."""
    value = computed.values["employment.horizon.nnt"]
    if not value.shown or None in (value.estimate[k] for k in ("estimate", "ci_low",
                                                               "ci_high")):
        return  # the difference itself is shown; an infinite limit has no sentence
    e, lang, months = value.estimate, ch.language, computed.primary.horizon_months
    if e["crosses_infinity"]:
        ci = ch.t("job_nnt_ci_through_infinity", benefit=_nnt_number(e["ci_low"], lang),
                  harm=_nnt_number(e["ci_high"], lang))
    else:
        low, high = sorted((abs(e["ci_low"]), abs(e["ci_high"])))
        ci = ch.t("job_nnt_ci_one_side", low=fmt_num(low, 1, lang), high=fmt_num(high, 1, lang))
    key = "job_nnt_text" if e["estimate"] > 0 else "job_nnt_harm_text"
    ch.text(key, nnt=_nnt_number(e["estimate"], lang), months=months, ci=ci)


def show_offices(ch: Chapter, computed: Employment) -> None:
    """The offices: heterogeneity of the differences and the forest plot (offices whose arms
    the policy lets be compared; the others are named as left out)."""
    if (not computed.usable or computed.primary is None or computed.by_office is None
            or "office" not in computed.by_office):   # a report of a reference office
        return
    lang, p = ch.language, computed.primary
    het, mh = p.heterogeneity, p.mh_rd
    if het.shown:
        h = het.estimate
        ch.text("job_heterogeneity_text", q=fmt_num(h["q_statistic"], 2, lang),
                df=fmt_num(h["q_df"], 0, lang), p=fmt_p(h["p_value"], lang),
                i2=fmt_num(h["i_squared"], 0, lang))
    bo = computed.by_office
    shown = bo[[computed.values[f"employment.by_office.{o}"].shown for o in bo["office"]]]
    shown = shown[shown["ci_low"].notna() & shown["ci_high"].notna()]
    if shown.empty:
        return
    rows = shown.assign(label=shown["office"].map(lambda o: office_label(o, lang)))
    left_out = len(bo) - len(shown)
    note = ch.t("job_forest_note", min_cell=ch.policy.min_cell) if left_out else None
    ch.figure(forest_figure(rows[["label", "estimate", "ci_low", "ci_high"]],
                            mh.estimate if mh.shown else None, lang),
              ch.t("job_forest_caption"), ch.t("job_source"), note=note)
