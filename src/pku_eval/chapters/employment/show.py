"""The employment chapter's pages: one ``show_*`` function per section. Numbers come from the
computed :class:`~.computation.Employment`; what is withheld is decided by the suppression policy
(``ch.policy``) and the publishing path, never here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...chapter import Chapter
from ...codebook import ARMS, OUTCOMES, office_label
from ...publish import Column
from ...text import arm_name, fmt_date, fmt_int, fmt_num, fmt_p, fmt_pct
from .computation import (
    CONFOUNDED,
    CONTROL,
    ESTIMATE_KEYS,
    R_NO_EVENTS,
    R_SUPPRESSED,
    R_UNDEFINED,
    RARE_LEVEL,
    TREATMENT,
    Employment,
)
from .figures import km_figure, rates_figure


def _why(ch: Chapter, reason: str | None) -> str:
    if reason == R_SUPPRESSED:
        return ch.t("job_why_suppressed", min_cell=ch.policy.min_cell)
    if reason == R_NO_EVENTS:
        return ch.t("job_why_no_events")
    if reason == R_UNDEFINED:
        return ch.t("job_why_undefined")
    if reason and reason.startswith("no "):
        return ch.t("job_why_no_data")
    return ch.t("job_why_not_fitted")


def _pct_or_withheld(ch: Chapter, value) -> str:
    """A published share in words; the withheld words when the policy withheld it."""
    if value.shown:
        return fmt_pct(value.estimate, ch.language)
    if value.reason == R_SUPPRESSED:
        return ch.t("job_suppressed_word", min_cell=ch.policy.min_cell)
    return "–"


def _f2(frame: pd.DataFrame, row: str, col: str, language: str) -> str:
    """A ratio with two decimals from ``frame`` ('–' when not there)."""
    if row not in frame.index or col not in frame.columns:
        return "–"
    v = frame.loc[row, col]
    return fmt_num(v, 2, language) if v is not None and pd.notna(v) else "–"


def show_intro(ch: Chapter, computed: Employment) -> None:
    """The chapter's introduction; a notice when there are no register data."""
    lang = ch.language
    end = fmt_date(ch.data.cutoff, lang)
    if computed.usable:
        end = fmt_date(computed.frame["fu_end"].max(), lang)
    ch.text("job_intro", end=end)
    if not computed.available:
        ch.notice(ch.t("job_no_outcomes"))
        return
    if not computed.usable:
        ch.notice(ch.t("job_no_klar"))
        return
    if computed.interim:
        ch.notice(ch.t("job_interim", cutoff=fmt_date(computed.cutoff, lang)))
    if computed.followup_months:
        med, low, high = computed.followup_months
        ch.text("job_followup_text", median=fmt_num(med, 1, lang), low=fmt_num(low, 1, lang),
                high=fmt_num(high, 1, lang))


def show_rates(ch: Chapter, computed: Employment) -> None:
    """Share with a first job per arm (table and figure) and missing register data per arm."""
    if not computed.usable:
        return
    ch.section("job_rates")
    lang, policy = ch.language, ch.policy
    ch.text("job_rates_text", **{arm: _pct_or_withheld(
        ch, computed.values[f"employment.rate.{arm}"]) for arm in ARMS})
    c = computed.counts
    missing = {arm: (ch.t("job_suppressed_word", min_cell=policy.min_cell) if policy.hides(m)
                     else policy.prose(m, lang))
               for arm, m in zip(c["arm"], c["missing"])}
    ch.text("job_missing_text", **missing)
    tab = c.assign(arm=c["arm"].map(lambda a: arm_name(a, lang)))
    ch.table(tab, [Column("arm", ch.t("h_arm")),
                   Column("analysed", ch.t("job_h_analysed"), "count"),
                   Column("missing", ch.t("job_h_missing"), "count"),
                   Column("with_outcome", ch.t("job_h_with"), "count"),
                   Column("share", ch.t("job_h_share"), "pct", base="with_outcome",
                          of="employed"),
                   Column("ci_low", ch.t("job_h_ci_low_pct"), "pct", base="with_outcome"),
                   Column("ci_high", ch.t("job_h_ci_high_pct"), "pct", base="with_outcome")],
             ch.t("job_rates_caption"), ch.t("job_source"), note=ch.t("job_rates_note"))
    shown = c[c["with_outcome"].map(policy.enough).astype(bool)]
    note = (ch.t("job_fig_small_note", min_cell=policy.min_cell) if len(shown) < len(c)
            else None)
    if len(shown):
        ch.figure(rates_figure(shown, lang), ch.t("job_rates_fig"), ch.t("job_source"),
                  note=note)


def show_effect(ch: Chapter, computed: Employment) -> None:
    """The randomised comparison: risk difference in words, and every effect measure."""
    if not computed.usable:
        return
    ch.section("job_effect")
    lang = ch.language
    rd_value = computed.values["employment.risk_difference"]
    if not rd_value.shown:
        ch.notice(ch.t("job_not_shown", why=_why(ch, rd_value.reason)))
        return
    rd, e = rd_value.estimate, computed.effects
    pp = {k: fmt_num(100 * rd[k], 1, lang) for k in ("estimate", "ci_low", "ci_high")}
    ch.text("job_effect_text", p_t=fmt_pct(e.loc["rd", "p_treatment"], lang),
            n_t=ch.policy.prose(e.loc["rd", "n_treatment"], lang),
            p_c=fmt_pct(e.loc["rd", "p_control"], lang),
            n_c=ch.policy.prose(e.loc["rd", "n_control"], lang), rd=pp["estimate"],
            lo=pp["ci_low"], hi=pp["ci_high"], p=fmt_p(rd["p_value"], lang))
    if computed.primary is not None:
        ch.text("job_crude_note", months=computed.primary.horizon_months)
    key = ("job_effect_positive" if rd["ci_low"] > 0 else
           "job_effect_negative" if rd["ci_high"] < 0 else "job_effect_unclear")
    ch.text(key, lo=pp["ci_low"], hi=pp["ci_high"])

    def f2(measure, k):
        return _f2(e, measure, k, lang)

    ch.text("job_ratio_text", rr=f2("rr", "estimate"), rr_lo=f2("rr", "ci_low"),
            rr_hi=f2("rr", "ci_high"), or_=f2("or", "estimate"), or_lo=f2("or", "ci_low"),
            or_hi=f2("or", "ci_high"))
    aor = computed.values["employment.odds_ratio_adjusted"]
    if aor.shown and aor.estimate["ci_low"] is not None:
        ch.text("job_adjusted_text", aor=f2("aor", "estimate"), aor_lo=f2("aor", "ci_low"),
                aor_hi=f2("aor", "ci_high"))
    else:
        ch.text("job_not_shown", why=_why(ch, aor.reason))
    rows = []
    for measure, label in (("rd", "job_m_rd"), ("rr", "job_m_rr"), ("or", "job_m_or"),
                           ("aor", "job_m_aor")):
        r = e.loc[measure]
        scale = 100 if measure == "rd" else 1
        rows.append({"measure": ch.t(label),
                     **{k: _scaled(r, k, scale) for k in ESTIMATE_KEYS}})
    if computed.hazard:
        rows.append({"measure": ch.t("job_m_hr"), **{k: computed.hazard[k]
                                                     for k in ESTIMATE_KEYS}})
    tab = pd.DataFrame(rows)
    tab["p_text"] = tab["p_value"].map(lambda p: fmt_p(p, lang))
    ch.table(tab, [Column("measure", ch.t("job_h_measure")),
                   Column("estimate", ch.t("job_h_estimate"), "num", decimals=2),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", decimals=2),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", decimals=2),
                   Column("p_text", ch.t("job_h_p"))],
             ch.t("job_effect_caption"), ch.t("job_source"),
             note=ch.t("job_effect_note", rare=RARE_LEVEL))


def _scaled(row: pd.Series, key: str, scale: float):
    """``row[key]`` (NaN when absent), times ``scale`` unless it is the p-value."""
    v = row[key] if key in row.index else None
    return scale * v if key != "p_value" and pd.notna(v) else v


def show_by_office(ch: Chapter, computed: Employment) -> None:
    """Shares and risk difference per trial office, with the small-numbers caveat."""
    if not computed.usable or computed.by_office is None or computed.by_office.empty:
        return
    lang = ch.language
    ch.text("job_office_text", min_cell=ch.policy.min_cell)
    tab = computed.by_office.copy()
    tab["office"] = tab["office"].map(lambda o: office_label(o, lang))
    for k in ("estimate", "ci_low", "ci_high"):
        tab[k] = 100 * tab[k]
    t_name, c_name = arm_name(TREATMENT, lang), arm_name(CONTROL, lang)
    ch.table(tab, [Column("office", ch.t("h_office")),
                   Column("n_t", f"{t_name} (n)", "count"),
                   Column("share_t", f"{t_name} (%)", "pct", base="n_t"),
                   Column("n_c", f"{c_name} (n)", "count"),
                   Column("share_c", f"{c_name} (%)", "pct", base="n_c"),
                   Column("estimate", ch.t("job_h_rd"), "num", base="base"),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", base="base"),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", base="base")],
             ch.t("job_office_caption"), ch.t("job_source"), note=ch.t("job_office_note"))


def show_time_to_work(ch: Chapter, computed: Employment) -> None:
    """Hazard ratio, proportional-hazards check, log-rank and the Kaplan-Meier figure."""
    if not computed.usable:
        return
    ch.section("job_time")
    lang, policy = ch.language, ch.policy
    hr = computed.values["time_to_work.hazard_ratio"]
    if not hr.shown:
        ch.notice(ch.t("job_not_shown", why=_why(ch, hr.reason)))
    else:
        est = hr.estimate
        ch.text("job_hr_text", hr=fmt_num(est["estimate"], 2, lang),
                lo=fmt_num(est["ci_low"], 2, lang), hi=fmt_num(est["ci_high"], 2, lang),
                p=fmt_p(computed.hazard["p_value"], lang))
        ph = computed.hazard["ph_test_p"]
        if ph is not None:
            ch.text("job_ph_warn" if ph < 0.05 else "job_ph_ok", p=fmt_p(ph, lang))
    if computed.logrank_p is not None:
        ch.text("job_logrank_text", p=fmt_p(computed.logrank_p, lang))
    for months, shares in computed.km_at.items():
        t, c = shares.get(TREATMENT), shares.get(CONTROL)
        if t is not None and c is not None and t.shown and c.shown:
            ch.text("job_km_at_text", months=fmt_int(months, lang),
                    treatment=fmt_pct(t.estimate, lang),
                    internal_control=fmt_pct(c.estimate, lang))
    if computed.km is None:
        return
    # the number at risk at 0 is the arm's count with register data: an arm whose count the
    # report withholds is not drawn
    sizes = computed.at_risk.iloc[:, 0]
    withheld = computed.counts.set_index("arm")["hide_with_outcome"]
    drawn = [arm for arm in computed.at_risk.index
             if policy.enough(sizes[arm]) and not withheld.get(arm, False)]
    if not drawn:
        return
    note = ch.t("job_km_note", min_cell=policy.min_cell)
    if len(drawn) < len(sizes):
        note += " " + ch.t("job_fig_small_note", min_cell=policy.min_cell)
    ch.figure(km_figure(computed.km, computed.at_risk.loc[drawn], lang, policy),
              ch.t("job_km_caption"), ch.t("job_source"), note=note)


def show_external(ch: Chapter, computed: Employment) -> None:
    """The observational comparison with the external control group, clearly labelled."""
    if not computed.usable or computed.external is None:
        return
    ch.section("job_external")
    lang = ch.language
    ch.text("job_external_text")
    ex = computed.external

    def f2(comp, k):
        return _f2(ex, comp, k, lang)

    t_or = computed.values["employment.external.odds_ratio_adjusted"]
    if not t_or.shown:
        ch.notice(ch.t("job_not_shown", why=_why(ch, t_or.reason)))
        return
    ch.text("job_external_result", or_=f2("t_vs_e", "or_estimate"),
            lo=f2("t_vs_e", "or_ci_low"), hi=f2("t_vs_e", "or_ci_high"),
            hr=f2("t_vs_e", "hr_estimate"), hr_lo=f2("t_vs_e", "hr_ci_low"),
            hr_hi=f2("t_vs_e", "hr_ci_high"))
    check = computed.values["employment.external.negative_control"]
    if check.shown and {"or_estimate", "hr_estimate"} <= set(ex.columns):
        # the negative control, read explicitly: a clear difference between the two control
        # groups means the external comparison is confounded
        ch.text("job_external_check_confounded" if check.estimate["reading"] == CONFOUNDED
                else "job_external_check_null",
                or_=f2("c_vs_e", "or_estimate"), lo=f2("c_vs_e", "or_ci_low"),
                hi=f2("c_vs_e", "or_ci_high"), hr=f2("c_vs_e", "hr_estimate"),
                hr_lo=f2("c_vs_e", "hr_ci_low"), hr_hi=f2("c_vs_e", "hr_ci_high"))
    rows = []
    for comp, comp_key in (("t_vs_e", "job_c_t_vs_e"), ("c_vs_e", "job_c_c_vs_e")):
        for kind, kind_key in (("or", "job_aor"), ("hr", "job_ahr")):
            r = ex.loc[comp]
            rows.append({"comparison": ch.t(comp_key), "measure": ch.t(kind_key),
                         **{k: r[f"{kind}_{k}"] if f"{kind}_{k}" in r.index else np.nan
                            for k in ESTIMATE_KEYS}})
    tab = pd.DataFrame(rows)
    tab["p_text"] = tab["p_value"].map(lambda p: fmt_p(p, lang))
    ch.table(tab, [Column("comparison", ch.t("job_h_comparison")),
                   Column("measure", ch.t("job_h_measure")),
                   Column("estimate", ch.t("job_h_estimate"), "num", decimals=2),
                   Column("ci_low", ch.t("job_h_ci_low"), "num", decimals=2),
                   Column("ci_high", ch.t("job_h_ci_high"), "num", decimals=2),
                   Column("p_text", ch.t("job_h_p"))],
             ch.t("job_external_caption"), ch.t("job_source"),
             note=ch.t("job_external_note", rare=RARE_LEVEL))


def _shared_withheld(counts: pd.DataFrame, policy) -> pd.DataFrame:
    """The per-arm counts as the report's shared counts withhold them (``hide_<count>``), a
    share and its interval with its base."""
    out = counts
    for col in ("analysed", "missing", "with_outcome"):
        cols = [col] + (["share", "ci_low", "ci_high"] if col == "with_outcome" else [])
        out = policy.withhold(out, cols, out[f"hide_{col}"].to_numpy(dtype=bool))
    return out


def show_status(ch: Chapter, computed: Employment) -> None:
    """Status on the extract date by arm (not used when the extract is after the cut-off).

    The statuses of an arm add up to its total (shown): the policy's secondary suppression
    runs over the count columns, and a share is withheld with its count."""
    if not computed.usable:
        return
    ch.section("job_status")
    lang = ch.language
    if computed.status is None:
        ch.text("job_status_not_used", cutoff=fmt_date(computed.cutoff, lang))
        return
    ch.text("job_status_text")
    unused = computed.status_unused
    if unused.n:
        ch.text("job_status_partly", n=ch.policy.prose(unused.n, lang))
    tab = computed.status.copy()
    status_var = OUTCOMES.var("status")
    tab["status"] = tab["status"].map(lambda s: status_var.code_label(s, lang))
    base_row = {"status": ch.t("job_n_with_status")}
    for arm in ARMS:
        base_row.update({f"n_{arm}": tab[f"base_{arm}"].iloc[0], f"share_{arm}": np.nan,
                         f"base_{arm}": tab[f"base_{arm}"].iloc[0]})
    tab = pd.concat([tab, pd.DataFrame([base_row])], ignore_index=True)
    # an arm's statuses add up to those with register data: withheld whole when the report
    # withholds that count or the missing ones (the two add up to the analysed)
    c = computed.counts.set_index("arm")
    for arm in ARMS:
        if c.loc[arm, "hide_with_outcome"] or c.loc[arm, "hide_missing"]:
            tab = ch.policy.withhold(tab, [f"n_{arm}", f"share_{arm}"],
                                     np.ones(len(tab), dtype=bool))
    cols = [Column("status", ch.t("job_h_status"))]
    for arm in ARMS:
        cols += [Column(f"n_{arm}", f"{arm_name(arm, lang)} (n)", "count"),
                 Column(f"share_{arm}", f"{arm_name(arm, lang)} (%)", "pct",
                        base=f"base_{arm}", of=f"n_{arm}")]
    ch.table(tab, cols, ch.t("job_status_caption"), ch.t("job_source"),
             secondary=[f"n_{arm}" for arm in ARMS])


def show_limits(ch: Chapter, computed: Employment) -> None:
    """What the results cannot show."""
    if not computed.usable:
        return
    ch.section("job_limits")
    ch.text("job_limits_text")
