"""The pages of the 'se_practice' chapter: sections, prose, tables and figures from a computed
:class:`~.computation.SEPractice`. What is withheld is decided by the chapter's suppression
policy (``ch.policy``; ``result.policy`` where no chapter is at hand), never here."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import plots, text
from ...chapter import Chapter
from ...codebook import SE_LOG, office_label
from ...disclosure import Policy, km_steps
from ...publish import Column
from ...text import fmt_int, fmt_num, fmt_pct
from .computation import SEPractice
from .constants import (
    BOOTSTRAP_REPS,
    CONTACT_TYPES,
    KM_DAYS_SHOWN,
    MAX_COACHES_LABELLED,
    MAX_MONTHS_SHOWN,
    MIN_FOLLOWUP_DAYS,
    OFFICE_COLOURS,
    OFFICE_LINESTYLES,
    RAPID_SEARCH_DAYS,
    SEED_CASELOAD,
    SHARE_BY_DAYS,
    STAGES,
    WORKPLACE_TYPES,
    _ref_range,
)


def _enough(policy: Policy, base: pd.Series) -> pd.Series:
    """Rows whose statistic rests on enough people to be shown (``policy.enough``)."""
    return base.map(policy.enough).astype(bool)


def _office_name(office: str, lang: str) -> str:
    return office_label(office, lang)


def _type_name(code: str, lang: str) -> str:
    return SE_LOG.var("contact_type").code_label(code, lang)


def show_intro(ch: Chapter, result: SEPractice) -> None:
    """Intro, or the notice why the chapter has nothing to show; then who the log covers and
    the two key figures."""
    lang = ch.language
    ch.text("se_intro")
    if result.status == "no_log":
        ch.notice(ch.t("se_no_log"))
        return
    if result.status == "no_participants":
        ch.notice(ch.t("se_no_participants", days=MIN_FOLLOWUP_DAYS,
                       cutoff=text.fmt_date(result.cutoff, lang)))
        return
    if result.status == "suppressed":
        ch.notice(ch.t("se_too_few", min_cell=ch.policy.min_cell))
        return
    ch.section("se_who")
    ch.text("se_who_text", n=fmt_int(result.n_participants, lang), days=MIN_FOLLOWUP_DAYS,
            cutoff=text.fmt_date(result.cutoff, lang),
            months=fmt_int(result.person_months, lang),
            contacts=fmt_int(result.n_contacts, lang))
    sh = result.share_employer or {}
    ch.text("se_key_text", rate=fmt_num(result.rate["estimate"], 1, lang),
            low=fmt_num(result.rate["ci_low"], 1, lang),
            high=fmt_num(result.rate["ci_high"], 1, lang),
            share=fmt_pct(sh.get("estimate"), lang, 1),
            share_low=fmt_pct(sh.get("ci_low"), lang, 1),
            share_high=fmt_pct(sh.get("ci_high"), lang, 1))
    ch.text("se_key_note", reps=fmt_int(BOOTSTRAP_REPS, lang))


def _ok(result: SEPractice) -> bool:
    return result.status == "ok"


def _boxplot(ax, groups: list[np.ndarray], labels: list[str], colour: str) -> None:
    """Boxes without single points: whiskers at the 5th and 95th percentiles."""
    ax.boxplot(groups, whis=(5, 95), showfliers=False, patch_artist=True, widths=0.6,
               boxprops={"facecolor": colour, "alpha": 0.35, "edgecolor": colour},
               medianprops={"color": "black"}, whiskerprops={"color": colour},
               capprops={"color": colour})
    ax.set_xticks(range(1, len(labels) + 1), labels)


def show_intensity(ch: Chapter, result: SEPractice) -> None:
    """Contacts and minutes per participant-month by office and contact type; distribution."""
    if not _ok(result):
        return
    lang = ch.language
    ch.section("se_intensity")
    bo = result.by_office.copy()
    shown = bo[_enough(ch.policy, bo["participants"])]
    if len(shown) >= 2:
        lo, hi = shown.loc[shown["rate"].idxmin()], shown.loc[shown["rate"].idxmax()]
        ch.text("se_office_text", low=fmt_num(lo["rate"], 1, lang),
                low_office=_office_name(lo["office"], lang), high=fmt_num(hi["rate"], 1, lang),
                high_office=_office_name(hi["office"], lang))
    bo["office_name"] = bo["office"].map(lambda o: _office_name(o, lang))
    ch.table(bo, [Column("office_name", ch.t("h_office")),
                  Column("participants", ch.t("se_h_participants"), "count"),
                  Column("months", ch.t("se_h_months"), "num", base="participants", decimals=0),
                  Column("contacts", ch.t("se_h_contacts"), "num", base="participants",
                         decimals=0),
                  Column("rate", ch.t("se_h_rate"), "num", base="participants"),
                  Column("rate_median", ch.t("se_h_rate_median"), "num", base="participants"),
                  Column("minutes_rate", ch.t("se_h_minutes_rate"), "num", base="participants",
                         decimals=0),
                  Column("employer_share", ch.t("se_h_employer_share"), "pct",
                         base="participants")],
             ch.t("se_office_caption"), ch.t("se_source"), note=ch.t("se_office_note"))

    tt = result.type_totals.sort_values("contacts", ascending=False).iloc[0]
    ch.text("se_type_text", top_type=_type_name(tt["type"], lang),
            top_share=fmt_pct(tt["share"], lang), minutes=fmt_num(result.minutes_per_contact, 0,
                                                                   lang))
    bt = result.by_office_type.copy()
    bt["office_name"] = bt["office"].map(lambda o: _office_name(o, lang))
    cols = [Column("office_name", ch.t("h_office"))]
    cols += [Column(t, _type_name(t, lang), "num", base="participants", decimals=2)
             for t in CONTACT_TYPES]
    ch.table(bt, cols, ch.t("se_type_caption"), ch.t("se_source"), note=ch.t("se_type_note"))

    q1, med, q3 = result.rate_quartiles
    ch.text("se_dist_text", q1=fmt_num(q1, 1, lang), median=fmt_num(med, 1, lang),
            q3=fmt_num(q3, 1, lang))
    pp = result.per_participant
    offices = [o for o in shown["office"]]
    groups = [pp["rate"].to_numpy()] + [pp.loc[pp["office"] == o, "rate"].to_numpy()
                                        for o in offices]
    labels = [ch.t("se_all_offices")] + [_office_name(o, lang) for o in offices]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    _boxplot(ax, groups, labels, plots.ARM_COLOURS["treatment"])
    ax.set_ylabel(ch.t("se_h_rate"))
    ax.set_ylim(bottom=0)
    ch.figure(fig, ch.t("se_dist_caption"), ch.t("se_source"),
              note=ch.t("se_dist_note", min_cell=ch.policy.min_cell))


def coach_summary(coaches: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per office, the spread of the coaches' mean rates (coaches with enough participants to
    be shown, ``policy.enough``): used instead of one row per coach when an office has many
    coaches."""
    big = coaches[_enough(policy, coaches["participants"])]
    g = big.groupby("office")["rate"]
    out = pd.DataFrame({"coaches": coaches[coaches["contacts"] > 0].groupby("office").size()})
    out["shown"] = big.groupby("office").size()
    out["min"], out["q1"], out["median"] = g.min(), g.quantile(0.25), g.median()
    out["q3"], out["max"] = g.quantile(0.75), g.max()
    out["shown"] = out["shown"].fillna(0).astype(int)
    return out.reset_index()


def show_coaches(ch: Chapter, result: SEPractice) -> None:
    """Per-coach distribution: coaches labelled A, B, C … within office when each office has at
    most :data:`MAX_COACHES_LABELLED`; otherwise only the spread of the coaches' means."""
    if not _ok(result) or result.coaches is None:
        return
    lang = ch.language
    ch.section("se_coaches")
    co = result.coaches
    big = co[_enough(ch.policy, co["participants"])]
    if big.empty:
        ch.text("se_coach_text_none", min_cell=ch.policy.min_cell)
        return
    ch.text("se_coach_text", min_cell=ch.policy.min_cell,
            low=fmt_num(big["rate"].min(), 1, lang), high=fmt_num(big["rate"].max(), 1, lang))
    offices = list(dict.fromkeys(big["office"]))
    colour = plots.ARM_COLOURS["treatment"]
    if big.groupby("office").size().max() > MAX_COACHES_LABELLED:
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        _boxplot(ax, [big.loc[big["office"] == o, "rate"].to_numpy() for o in offices],
                 [_office_name(o, lang) for o in offices], colour)
        ax.set_ylabel(ch.t("se_h_coach_mean"))
        ch.figure(fig, ch.t("se_coach_many_caption"), ch.t("se_source"),
                  note=ch.t("se_coach_many_note", min_cell=ch.policy.min_cell))
        tab = coach_summary(co, ch.policy)
        tab["office_name"] = tab["office"].map(lambda o: _office_name(o, lang))
        ch.table(tab, [Column("office_name", ch.t("h_office")),
                       Column("coaches", ch.t("se_h_coaches"), "num", decimals=0),
                       Column("shown", ch.t("se_h_coaches_shown",
                                            min_cell=ch.policy.min_cell), "num", decimals=0)]
                 + [Column(k, ch.t(f"se_h_{k}"), "num") for k in
                    ("min", "q1", "median", "q3", "max")],
                 ch.t("se_coach_many_table_caption"), ch.t("se_source"),
                 note=ch.t("se_coach_many_note", min_cell=ch.policy.min_cell))
        return
    pp = result.per_participant
    fig, axes = plt.subplots(1, len(offices), figsize=(7.5, 3.6), sharey=True, squeeze=False)
    for ax, office in zip(axes[0], offices):
        labels = list(big.loc[big["office"] == office, "label"])
        groups = [pp.loc[(pp["office"] == office) & (pp["coach_label"] == lab),
                         "rate"].to_numpy() for lab in labels]
        _boxplot(ax, groups, labels, colour)
        ax.set_title(_office_name(office, lang))
    axes[0][0].set_ylabel(ch.t("se_h_rate"))
    axes[0][0].set_ylim(bottom=0)
    ch.figure(fig, ch.t("se_coach_caption"), ch.t("se_source"),
              note=ch.t("se_coach_note", min_cell=ch.policy.min_cell))
    tab = co[co["contacts"] > 0].copy()
    tab["office_name"] = tab["office"].map(lambda o: _office_name(o, lang))
    ch.table(tab, [Column("office_name", ch.t("h_office")), Column("label", ch.t("se_h_coach")),
                   Column("participants", ch.t("se_h_participants"), "count"),
                   Column("rate", ch.t("se_h_rate"), "num", base="participants"),
                   Column("rate_median", ch.t("se_h_rate_median"), "num", base="participants"),
                   Column("minutes_per_contact", ch.t("se_h_minutes_contact"), "num",
                          decimals=0)],
             ch.t("se_coach_table_caption"), ch.t("se_source"),
             note=ch.t("se_coach_table_note"))


def show_stages(ch: Chapter, result: SEPractice) -> None:
    """Stage shares over months since enrolment; time to job search and to employer contact;
    share of contacts with employers or at the workplace."""
    if not _ok(result):
        return
    lang = ch.language
    ch.section("se_stages")
    sbm = result.stage_by_month
    if len(sbm):
        shares = sbm[[f"stage_{s}" for s in STAGES]].div(sbm["contacts"], axis=0)
        late = sbm.index[min(len(sbm) - 1, 11)]
        ch.text("se_stage_text", first_share=fmt_pct(shares.iloc[0]["stage_1"], lang),
                late_month=fmt_int(sbm.loc[late, "month"], lang),
                late_share=fmt_pct(shares.loc[late, ["stage_3", "stage_4", "stage_5"]].sum(),
                                   lang))
        fig, ax = plt.subplots(figsize=(7.5, 4.0))
        colours = plots.ordered_colours(len(STAGES))
        ax.stackplot(sbm["month"], (100 * shares.T).to_numpy(), colors=colours,
                     labels=[ch.t(f"se_stage_{s}") for s in STAGES], edgecolor="white",
                     linewidth=0.6)
        ax.set_xlim(sbm["month"].min(), sbm["month"].max())
        ax.set_ylim(0, 100)
        ax.set_xlabel(ch.t("se_x_months"))
        ax.set_ylabel(ch.t("se_y_share_contacts"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8)
        ch.figure(fig, ch.t("se_stage_caption"), ch.t("se_source"),
                  note=ch.t("se_stage_note", months=MAX_MONTHS_SHOWN,
                            min_cell=ch.policy.min_cell))

    ts = result.time_summary.set_index("event")

    def days(v):
        return fmt_int(v, lang) if v is not None and pd.notna(v) else "–"

    ch.text("se_time_text")
    for ev in ("search", "employer"):
        row = ts.loc[ev]
        event = ch.t(f"se_ev_{ev}")
        if row["median"] is not None and pd.notna(row["median"]):
            ch.text("se_time_median", event=event, median=days(row["median"]),
                    low=days(row["median_ci_low"]), high=days(row["median_ci_high"]))
        else:
            last = SHARE_BY_DAYS[-1]
            share = ch.policy.text_or_mark(fmt_pct(row[f"by_{last}"], lang),
                                           row[f"n_by_{last}"])
            ch.text("se_time_not_reached", event=event, days=last, share=share)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    styles = {"search": ("-", plots.ARM_COLOURS["treatment"]),
              "employer": ("--", plots.ARM_COLOURS["internal_control"])}
    for ev, table in result.km.items():
        # no step of a few events, none where too few are at risk (a small office's report
        # would otherwise show each person's first contact as a step of its own)
        tab = km_steps(table[table["time"] <= KM_DAYS_SHOWN], ch.policy)
        x = tab["time"].to_numpy()
        y = 100 * (1 - tab["survival"].to_numpy())
        lo = 100 * (1 - tab["ci_high"].to_numpy())
        hi = 100 * (1 - tab["ci_low"].to_numpy())
        ls, colour = styles[ev]
        ax.step(x, y, where="post", ls=ls, color=colour, label=ch.t(f"se_ev_{ev}"))
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, lw=0)
    ax.set_xlim(0, KM_DAYS_SHOWN)
    ax.set_ylim(0, 100)
    ax.set_xlabel(ch.t("se_x_days"))
    ax.set_ylabel(ch.t("se_y_share_reached"))
    ax.legend(loc="lower right")
    ch.figure(fig, ch.t("se_time_caption"), ch.t("se_source"), note=ch.t("se_time_note", min_cell=ch.policy.min_cell))
    tab = result.time_summary.copy()
    tab["event_name"] = tab["event"].map(lambda e: ch.t(f"se_ev_{e}"))
    cols = [Column("event_name", ch.t("se_h_event")),
            Column("n", ch.t("se_h_participants"), "count"),
            Column("median", ch.t("se_h_median_days"), "num", base="n", decimals=0),
            Column("median_ci_low", ch.t("se_h_ci_low"), "num", base="n", decimals=0),
            Column("median_ci_high", ch.t("se_h_ci_high"), "num", base="n", decimals=0)]
    cols += [Column(f"by_{d}", ch.t("se_h_by_day", days=d), "pct", base=f"n_by_{d}")
             for d in SHARE_BY_DAYS]
    tab[["median", "median_ci_low", "median_ci_high"]] = \
        tab[["median", "median_ci_low", "median_ci_high"]].astype(float)
    ch.table(tab, cols, ch.t("se_time_table_caption"), ch.t("se_source"),
             note=ch.t("se_time_table_note"))

    ch.text("se_employer_text", share=fmt_pct(result.share_workplace, lang))
    bo = result.by_office.copy()
    bo["office_name"] = bo["office"].map(lambda o: _office_name(o, lang))
    ch.table(bo, [Column("office_name", ch.t("h_office")),
                  Column("participants", ch.t("se_h_participants"), "count"),
                  Column("employer_share", ch.t("se_h_employer_share"), "pct",
                         base="participants"),
                  Column("workplace_share", ch.t("se_h_workplace_share"), "pct",
                         base="participants")],
             ch.t("se_employer_caption"), ch.t("se_source"))


def show_caseload(ch: Chapter, result: SEPractice) -> None:
    """Active participants per coach per month against the 10–13 of the source documents."""
    if not _ok(result) or not result.caseload_summary:
        return
    lang = ch.language
    ch.section("se_caseload")
    cs = result.caseload_summary
    ref = _ref_range(lang)
    ch.text("se_caseload_text", ref=ref, mean=fmt_num(cs["mean"], 1, lang),
            median=fmt_num(cs["median"], 0, lang), peak=fmt_num(cs["peak"], 1, lang),
            share_above=fmt_pct(cs["share_above"], lang), ref_high=SEED_CASELOAD[1])
    import matplotlib.dates as mdates

    cl = result.caseload
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ax.axhspan(*SEED_CASELOAD, color="#bbbbbb", alpha=0.4, lw=0)
    for i, (office, part) in enumerate(cl.groupby("office", sort=True)):
        m = part["month"].to_numpy()  # year * 12 + month - 1
        x = pd.to_datetime(pd.DataFrame({"year": m // 12, "month": m % 12 + 1, "day": 15}))
        y = part["caseload"].where(_enough(ch.policy, part["participants"]))
        ax.plot(x, y, color=OFFICE_COLOURS[i % len(OFFICE_COLOURS)],
                ls=OFFICE_LINESTYLES[i % len(OFFICE_LINESTYLES)],
                label=_office_name(office, lang))
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ch.t("se_caseload_ylabel"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)
    ch.figure(fig, ch.t("se_caseload_caption"), ch.t("se_source_seeds"),
              note=ch.t("se_caseload_note", ref=ref, min_cell=ch.policy.min_cell))


def indicator_table(result: SEPractice, lang: str) -> pd.DataFrame:
    """The fidelity-like indicators with their definition, value and basis (for the table); a
    share resting on a withheld count of people is withheld (``result.policy``)."""
    t = lambda key, **kw: text.t(key, lang, **kw)
    n = result.n_participants
    rows = []
    cs = result.caseload_summary
    if cs:
        rows.append({"indicator": t("se_ind_caseload"),
                     "definition": t("se_ind_caseload_def", ref=_ref_range(lang)),
                     "value": fmt_num(cs["mean"], 1, lang),
                     "basis": t("se_ind_basis_coach", coaches=fmt_int(cs["coaches"], lang),
                                months=fmt_int(cs["coach_months"], lang)), "n": n})
    for ev, key in (("search", "se_ind_rapid"), ("employer", "se_ind_rapid_employer")):
        r = result.rapid[ev]
        value = result.policy.text_or_mark(
            t("se_ind_value_ci", value=fmt_pct(r["estimate"], lang),
              low=fmt_pct(r["ci_low"], lang), high=fmt_pct(r["ci_high"], lang)), r["x"])
        rows.append({"indicator": t(key), "definition": t(f"{key}_def", days=RAPID_SEARCH_DAYS),
                     "value": value,
                     "basis": t("se_ind_basis_people", n=fmt_int(n, lang)), "n": n})
    sh = result.share_employer
    if sh:
        rows.append({"indicator": t("se_ind_employer"), "definition": t("se_ind_employer_def"),
                     "value": t("se_ind_value_ci", value=fmt_pct(sh["estimate"], lang, 1),
                                low=fmt_pct(sh["ci_low"], lang, 1),
                                high=fmt_pct(sh["ci_high"], lang, 1)),
                     "basis": t("se_ind_basis_contacts", contacts=fmt_int(sh["n_contacts"], lang),
                                n=fmt_int(n, lang)), "n": n})
        rows.append({"indicator": t("se_ind_workplace"), "definition": t("se_ind_workplace_def"),
                     "value": fmt_pct(
                         result.type_totals.set_index("type").loc[list(WORKPLACE_TYPES),
                                                                  "share"].sum(), lang, 1),
                     "basis": t("se_ind_basis_contacts", contacts=fmt_int(sh["n_contacts"], lang),
                                n=fmt_int(n, lang)), "n": n})
    return pd.DataFrame(rows)


def show_indicators(ch: Chapter, result: SEPractice) -> None:
    """Indicators resembling SE/IPS fidelity items, with the data they rest on."""
    if not _ok(result):
        return
    ch.section("se_indicators")
    ch.text("se_indicators_text")
    tab = indicator_table(result, ch.language)
    note = ch.t("se_indicators_note")
    if any(ch.policy.hides(r["x"]) for r in result.rapid.values()):  # a value withheld
        note += " " + ch.t("suppressed_note", min_cell=ch.policy.min_cell)
    ch.table(tab, [Column("indicator", ch.t("se_h_indicator")),
                   Column("definition", ch.t("se_h_definition")),
                   Column("value", ch.t("se_h_value")),
                   Column("basis", ch.t("se_h_basis"))],
             ch.t("se_indicators_caption"), ch.t("se_source"), note=note)


def show_outcomes(ch: Chapter, result: SEPractice) -> None:
    """Intensity and highest stage for those who got work and those who did not (descriptive)."""
    if not _ok(result):
        return
    lang = ch.language
    ch.section("se_outcomes")
    if not result.has_outcomes:
        ch.notice(ch.t("se_outcomes_none"))
        return
    ol = result.outcome_link.copy()
    by = ol.set_index("group")

    def rate(g):
        return ch.policy.text_or_mark(fmt_num(by.loc[g, "rate"], 1, lang), by.loc[g, "n"])

    def count(g):
        return ch.policy.prose(int(by.loc[g, "n"]), lang)

    ch.text("se_outcomes_text", n_yes=count("yes"), n_no=count("no"), rate_yes=rate("yes"),
            rate_no=rate("no"))
    ol["group_name"] = ol["group"].map({"yes": ch.t("se_got_work"), "no": ch.t("se_no_work")})
    cols = [Column("group_name", ch.t("se_h_group")),
            Column("n", ch.t("se_h_participants"), "count"),
            Column("rate", ch.t("se_h_rate"), "num", base="n"),
            Column("minutes_rate", ch.t("se_h_minutes_rate"), "num", base="n", decimals=0),
            Column("any_employer", ch.t("se_h_any_employer"), "pct", base="n_any_employer")]
    cols += [Column(f"max_stage_{s}", ch.t("se_h_max_stage", stage=s), "pct",
                    base=f"n_max_stage_{s}") for s in STAGES]
    if (ol["stage_none"] > 0).any():
        cols.append(Column("stage_none", ch.t("se_h_max_stage_none"), "pct",
                           base="n_stage_none"))
    few = ~_enough(ch.policy, ol["n"])
    for col in cols[2:]:  # a group with too few people hides all its figures
        ol.loc[few, col.base] = ol.loc[few, "n"]
    ch.table(ol, cols, ch.t("se_outcomes_caption"), ch.t("se_source_outcomes"),
             note=ch.t("se_outcomes_note"))
