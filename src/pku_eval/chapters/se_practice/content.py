"""Chapter 'se_practice': what the job coaches did, read from their SE log (GitHub issue 4).

Sections: who the SE participants are and the two key figures (contacts per participant-month,
share of contacts with employers); contact intensity by office and contact type and its spread
across participants and coaches; the five SE stages over time and the time to job search and to
the first employer contact; caseload per coach; indicators that resemble SE/IPS fidelity items;
and, descriptively, the log of those who got work against those who did not.

Definitions (REPORT_SPEC.md "SE participants"): ``treatment`` arm at offices whose ``method`` is
``se``, withdrawn excluded, followed for at least 30 days. Their end of follow-up is the
follow-up end (earlier of ``followup_date`` and the cut-off), or the cut-off when there is no
outcomes row. Months followed = (end − ``enrolled_date``) in days ÷ 30.4375; contacts count up
to that end (inclusive).

Everything is vectorised (``numpy.bincount``, ``numpy.unique``, ``groupby``): at 100 000
participants the log has about 5 million rows, and no step loops over participants in Python.
The coach ids never leave :func:`compute`: coaches are labelled A, B, C … within their office.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import plots, stats, text
from ...chapter import Chapter
from ...codebook import SE_LOG, office_label
from ...publish import MARK, Column, publish_count
from ...text import fmt_int, fmt_num, fmt_pct
from ...tidy import StageData

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

#: Caseload per job coach described in the source documents, as (low, high) participants.
#: Source: the evaluation's seed documents (AFI/Proba, interim report of the PKU evaluation, January 2016,
#: the KLAR chapter): at one KLAR office "Begge jobbveilederne har om lag 10 brukere hver", at
#: another "Jobbveilederne har om lag 12-13 brukere hver"; DOMAIN.md sums this up as "about
#: 10–13 users each". (seeds/004, the KLAR final report, describes the staffing behind it: three
#: offices employed two full-time job coaches, one office one full-time and two half-time.)
SEED_CASELOAD = (10, 13)

DAYS_PER_MONTH = 30.4375          # REPORT_SPEC.md: months followed = days ÷ 30.4375
MIN_FOLLOWUP_DAYS = 30            # REPORT_SPEC.md: SE participants are followed ≥ 30 days
EMPLOYER_COUNTERPARTS = ("employer", "both")       # se_log.share_employer_contacts
WORKPLACE_TYPES = ("workplace_visit", "employer_meeting")
JOB_SEARCH_STAGES = (3, 4)        # EUSE stage 3 job finding, 4 employer engagement
RAPID_SEARCH_DAYS = 30            # "rapid job search" indicator: job search within 30 days
MAX_MONTHS_SHOWN = 24             # months since enrolment in the stage figure
KM_DAYS_SHOWN = 365               # x-axis of the time-to-event figure
SHARE_BY_DAYS = (30, 90, 180)     # days at which the share reached is tabulated
BOOTSTRAP_REPS = 1000             # participant (cluster) bootstrap of the pooled share
KM_CONF_TYPE = "log-log"          # pointwise Kaplan–Meier band (and median interval); R: "log"
MAX_COACHES_LABELLED = 12         # more coaches in an office: show only their spread
STAGES = (1, 2, 3, 4, 5)
CONTACT_TYPES = tuple(SE_LOG.var("contact_type").codes)
COUNTERPARTS = tuple(SE_LOG.var("counterpart").codes)

#: Okabe–Ito colours for offices (the arm colours of plots.py are kept for arms).
OFFICE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                  "#F0E442", "#000000")
OFFICE_LINESTYLES = ("-", "--", ":", "-.")


def _ref_range(language: str) -> str:
    """The caseload the seeds describe, '10–13'."""
    return f"{SEED_CASELOAD[0]}–{SEED_CASELOAD[1]}"


# ---------------------------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------------------------


@dataclass
class SEPractice:
    """Every number the chapter shows and records. Tables hold no participant or coach ids."""

    status: str                          # "ok" | "no_log" | "no_participants" | "suppressed"
    reason: str | None                   # the null reason when status is not "ok"
    cutoff: pd.Timestamp
    min_cell: int
    n_participants: int = 0
    person_months: float = 0.0
    n_contacts: int = 0
    rate: dict = field(default_factory=dict)            # estimate, ci_low, ci_high, n, ...
    minutes_rate: dict = field(default_factory=dict)
    share_employer: dict = field(default_factory=dict)  # estimate, ci_low, ci_high, ...
    share_employer_reason: str | None = None            # why its interval is undefined
    share_workplace: float | None = None
    minutes_per_contact: float | None = None
    rate_quartiles: tuple = ()
    per_participant: pd.DataFrame | None = None   # one row per SE participant, no ids
    by_office: pd.DataFrame | None = None
    by_office_type: pd.DataFrame | None = None
    type_totals: pd.DataFrame | None = None
    coaches: pd.DataFrame | None = None
    stage_by_month: pd.DataFrame | None = None
    km: dict = field(default_factory=dict)        # event -> Kaplan-Meier table (days)
    time_summary: pd.DataFrame | None = None
    rapid: dict = field(default_factory=dict)     # event -> {estimate, ci_low, ci_high, n, x}
    caseload: pd.DataFrame | None = None          # office, month, coaches, mean caseload
    caseload_summary: dict = field(default_factory=dict)
    outcome_link: pd.DataFrame | None = None
    has_outcomes: bool = False
    results: dict = field(default_factory=dict)   # results.json path -> (value, reason)


def se_participants(stage: StageData) -> pd.DataFrame:
    """The SE participants of a stage (REPORT_SPEC.md), with ``end``, ``days`` and ``months``.

    Treatment arm at offices whose method is ``se``, withdrawn excluded, followed for at least
    :data:`MIN_FOLLOWUP_DAYS` days. ``end`` is the follow-up end, or the cut-off without an
    outcomes row; ``months`` = days ÷ 30.4375.
    """
    a = stage.analysed
    se = a[(a["arm"] == "treatment") & (a["method"] == "se")]
    end = se["followup_end"].fillna(stage.cutoff)
    days = (end - se["enrolled_date"]).dt.days
    out = se.assign(end=end, days=days)
    out = out[out["days"] >= MIN_FOLLOWUP_DAYS].reset_index(drop=True)
    out["months"] = out["days"] / DAYS_PER_MONTH
    return out


def _day_number(values) -> np.ndarray:
    """Days since 1970-01-01 of a datetime Series/array (int64)."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _contacts(se: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """The log rows of SE participants up to each one's end, as compact integer columns.

    ``p`` (row of ``se``), ``day`` (days since enrolment), ``month`` (calendar month index),
    ``stage``, ``type`` (index into :data:`CONTACT_TYPES`), ``counterpart`` (index into
    :data:`COUNTERPARTS`), ``coach`` (factorised coach id), ``minutes``; in the log's order.
    """
    p = pd.Index(se["participant_id"]).get_indexer(log["participant_id"])
    date = _day_number(log["date"])
    keep = p >= 0
    end = _day_number(se["end"])
    keep[keep] = date[keep] <= end[p[keep]]
    p = p[keep]
    date = date[keep]
    enrolled = _day_number(se["enrolled_date"])
    calendar = log.loc[keep, "date"]
    month = (calendar.dt.year.to_numpy() * 12 + calendar.dt.month.to_numpy() - 1)
    coach, _ = pd.factorize(log.loc[keep, "coach_id"], sort=True)
    frame = pd.DataFrame({
        "p": p.astype(np.int64),
        "day": (date - enrolled[p]).astype(np.int64),
        "month": month.astype(np.int64),
        "stage": log.loc[keep, "se_stage"].to_numpy().astype(np.int8),
        "type": pd.Categorical(log.loc[keep, "contact_type"], categories=CONTACT_TYPES).codes,
        "counterpart": pd.Categorical(log.loc[keep, "counterpart"],
                                      categories=COUNTERPARTS).codes,
        "coach": coach.astype(np.int64),
        "minutes": log.loc[keep, "minutes"].to_numpy(dtype=float),
    })
    return frame


def _mean_ci(values: pd.Series) -> dict:
    """Mean with a one-sample t interval (stats.mean_ci), as a plain dict."""
    res = stats.mean_ci(pd.DataFrame({"value": values.astype(float)}), "value").iloc[0]
    return {"estimate": float(res["mean"]), "ci_low": float(res["ci_low"]),
            "ci_high": float(res["ci_high"]), "n": int(res["n"]), "sd": float(res["sd"])}


def _wilson(x: int, n: int) -> dict:
    low, high = stats.wilson_interval(int(x), int(n))
    return {"estimate": x / n, "ci_low": low, "ci_high": high, "n": int(n), "x": int(x)}


def _share_interval(numerator: np.ndarray, denominator: np.ndarray,
                    seed: int) -> tuple[float, float, str | None]:
    """Percentile 95 % interval of sum(numerator) / sum(denominator), resampling the
    participants (one element each, in the order given) with replacement: the cluster
    bootstrap of stats.cluster_bootstrap_ratio with :data:`BOOTSTRAP_REPS` replicates.
    (low, high, None), or (NaN, NaN, reason) when the data allow no interval."""
    frame = pd.DataFrame({"num": numerator, "den": denominator,
                          "participant": np.arange(len(numerator))})
    try:
        res = stats.cluster_bootstrap_ratio(frame, "num", "den", "participant",
                                            n_boot=BOOTSTRAP_REPS, seed=seed, alpha=0.05)
    except stats.EstimationError as exc:
        return np.nan, np.nan, f"interval not defined ({exc.reason}): {exc}"
    return float(res.loc[0, "ci_low"]), float(res.loc[0, "ci_high"]), None


def _coach_labels(n: int) -> list[str]:
    """'A', 'B', … 'Z', 'AA', 'AB', … (spreadsheet style)."""
    letters = string.ascii_uppercase
    out = []
    for i in range(n):
        label, j = "", i
        while True:
            label = letters[j % 26] + label
            j = j // 26 - 1
            if j < 0:
                break
        out.append(label)
    return out


def _first_day(c: pd.DataFrame, mask: np.ndarray, n: int) -> np.ndarray:
    """Days since enrolment of each participant's first contact in ``mask`` (NaN if none)."""
    first = np.full(n, np.nan)
    sub = c.loc[mask, ["p", "day"]]
    if len(sub):
        m = sub.groupby("p", sort=False)["day"].min()
        first[m.index.to_numpy()] = m.to_numpy()
    return first


def _km_summary(data: pd.DataFrame, table: pd.DataFrame) -> dict:
    """Median time with its interval (stats.km_median on ``data``, read off the log-log
    pointwise band of :func:`stats.kaplan_meier` as R's survfit does; None when not reached)
    and the share reached by each day in :data:`SHARE_BY_DAYS` (1 − S of ``table``, the
    Kaplan–Meier table of ``data``, with its interval)."""
    med = stats.km_median(data, "duration", "event", conf_type=KM_CONF_TYPE).iloc[0]
    out = {key: (float(med[col]) if pd.notna(med[col]) else None)
           for key, col in (("median", "estimate"), ("median_ci_low", "ci_low"),
                            ("median_ci_high", "ci_high"))}
    for d in SHARE_BY_DAYS:
        rows = table[table["time"] <= d]
        if rows.empty:
            s, lo, hi = 1.0, 1.0, 1.0
        else:
            last = rows.iloc[-1]
            s, lo, hi = last["survival"], last["ci_low"], last["ci_high"]
        out[f"by_{d}"] = 1 - s
        out[f"by_{d}_low"] = 1 - hi if pd.notna(hi) else np.nan
        out[f"by_{d}_high"] = 1 - lo if pd.notna(lo) else np.nan
    return out


def _caseload(c: pd.DataFrame, coach_office: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Active participants per coach per calendar month.

    A participant is active in a month with at least one logged contact and belongs that month
    to the coach who logged most of them (ties: the lower coach index). Returns the coach-month
    table (coach, month, caseload) and the office-month summary (mean over active coaches).
    """
    n_coach = int(c["coach"].max()) + 1
    m0 = int(c["month"].min())
    n_month = int(c["month"].max()) - m0 + 1
    key = (c["p"].to_numpy() * n_month + (c["month"].to_numpy() - m0)) * n_coach \
        + c["coach"].to_numpy()
    uniq, counts = np.unique(key, return_counts=True)
    pm = uniq // n_coach
    coach = uniq % n_coach
    order = np.lexsort((coach, -counts, pm))
    pm, coach = pm[order], coach[order]
    first = np.r_[True, pm[1:] != pm[:-1]]
    pm, coach = pm[first], coach[first]
    month = pm % n_month
    load = np.bincount(coach * n_month + month, minlength=n_coach * n_month)
    cm = pd.DataFrame({"coach": np.repeat(np.arange(n_coach), n_month),
                       "month": np.tile(np.arange(n_month), n_coach) + m0,
                       "caseload": load})
    cm = cm[cm["caseload"] > 0].reset_index(drop=True)
    cm["office"] = coach_office[cm["coach"].to_numpy()]
    office_month = (cm.groupby(["office", "month"])
                    .agg(coaches=("coach", "size"), caseload=("caseload", "mean"),
                         participants=("caseload", "sum"))
                    .reset_index())
    return cm, office_month


def _per_participant(se: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """One row per SE participant (no id): office, follow-up, contacts, minutes, employer and
    workplace contacts, the rates per month and the highest stage logged (0 = no contact)."""
    n = len(se)
    p = c["p"].to_numpy()
    employer = _is_employer(c)
    workplace = employer | np.isin(c["type"].to_numpy(),
                                   [CONTACT_TYPES.index(x) for x in WORKPLACE_TYPES])
    contacts = np.bincount(p, minlength=n)
    minutes = np.bincount(p, weights=c["minutes"].to_numpy(), minlength=n)
    max_stage = np.zeros(n, dtype=np.int64)
    if len(c):
        ms = c.groupby("p", sort=False)["stage"].max()
        max_stage[ms.index.to_numpy()] = ms.to_numpy()
    months = se["months"].to_numpy()
    return pd.DataFrame({
        "office": se["office"].to_numpy(),
        "days": se["days"].to_numpy(),
        "months": months,
        "contacts": contacts,
        "minutes": minutes,
        "employer_contacts": np.bincount(p[employer], minlength=n),
        "workplace_contacts": np.bincount(p[workplace], minlength=n),
        "rate": contacts / months,
        "minutes_rate": minutes / months,
        "max_stage": max_stage,
    })


def _is_employer(c: pd.DataFrame) -> np.ndarray:
    """Contacts whose counterpart is the employer or both (se_log.share_employer_contacts)."""
    return np.isin(c["counterpart"].to_numpy(),
                   [COUNTERPARTS.index(x) for x in EMPLOYER_COUNTERPARTS])


def _office_tables(pp: pd.DataFrame, c: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per office: participants, person-months, contacts, mean (median) rates and shares; and
    contacts per participant-month by contact type (all contacts ÷ all months of the office)."""
    g = pp.groupby("office")
    by_office = pd.DataFrame({
        "participants": g.size(),
        "months": g["months"].sum(),
        "contacts": g["contacts"].sum(),
        "rate": g["rate"].mean(),
        "rate_median": g["rate"].median(),
        "minutes_rate": g["minutes_rate"].mean(),
        "employer_contacts": g["employer_contacts"].sum(),
        "workplace_contacts": g["workplace_contacts"].sum(),
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        by_office["employer_share"] = by_office["employer_contacts"] / by_office["contacts"]
        by_office["workplace_share"] = by_office["workplace_contacts"] / by_office["contacts"]
    by_office = by_office.reset_index()
    offices = list(by_office["office"])
    office_code = pd.Categorical(pp["office"], categories=offices).codes
    k = len(CONTACT_TYPES)
    cell = np.bincount(office_code[c["p"].to_numpy()] * k + c["type"].to_numpy(),
                       minlength=len(offices) * k).reshape(len(offices), k)
    by_type = pd.DataFrame(cell / by_office["months"].to_numpy()[:, None],
                           columns=list(CONTACT_TYPES))
    by_type.insert(0, "office", offices)
    by_type.insert(1, "participants", by_office["participants"].to_numpy())
    return by_office, by_type


def _majority(owner: np.ndarray, value: np.ndarray, n_value: int) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """For each distinct ``owner``, the ``value`` it has most often (ties: the lowest)."""
    pair, count = np.unique(owner * n_value + value, return_counts=True)
    own, val = pair // n_value, pair % n_value
    order = np.lexsort((val, -count, own))
    own, val = own[order], val[order]
    first = np.r_[True, own[1:] != own[:-1]]
    return own[first], val[first]


def _coach_tables(pp: pd.DataFrame, c: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Per coach (labelled A, B, … within office, no id): office, participants whose main coach
    it is (the coach who logged most of their contacts), their mean and median rate, contacts
    and minutes per contact. Also sets ``pp['coach_label']`` and returns each coach's office."""
    n_coach = int(c["coach"].max()) + 1
    p, coach = c["p"].to_numpy(), c["coach"].to_numpy()
    owner, main = _majority(p, coach, n_coach)
    main_coach = np.full(len(pp), -1)
    main_coach[owner] = main
    offices = np.asarray(sorted(pp["office"].unique()), dtype=object)
    office_code = pd.Categorical(pp["office"], categories=offices).codes
    who, where = _majority(coach, office_code[p], len(offices))
    coach_office = np.empty(n_coach, dtype=object)
    coach_office[who] = offices[where]
    contacts = np.bincount(coach, minlength=n_coach)
    minutes = np.bincount(coach, weights=c["minutes"].to_numpy(), minlength=n_coach)
    cg = pp.assign(coach=main_coach)[main_coach >= 0].groupby("coach")
    coaches = pd.DataFrame({"participants": cg.size(), "rate": cg["rate"].mean(),
                            "rate_median": cg["rate"].median()}).reindex(range(n_coach))
    coaches["participants"] = coaches["participants"].fillna(0).astype(int)
    coaches["office"] = coach_office
    coaches["contacts"] = contacts
    coaches["minutes_per_contact"] = minutes / np.maximum(contacts, 1)
    coaches = coaches.reset_index(names="coach").sort_values(
        ["office", "participants", "contacts", "coach"], ascending=[True, False, False, True])
    labels = _coach_labels(int(coaches.groupby("office").size().max()))
    coaches["label"] = [labels[i] for i in coaches.groupby("office").cumcount()]
    label_of = dict(zip(coaches["coach"], coaches["label"]))
    pp["coach_label"] = pd.Series(main_coach).map(label_of).to_numpy()
    return coaches.drop(columns="coach").reset_index(drop=True), coach_office


def _stage_by_month(c: pd.DataFrame, months: np.ndarray, min_cell: int) -> pd.DataFrame:
    """Contacts per SE stage in each month since enrolment (month 1 = days 0–30.4), for the
    months with at least ``min_cell`` participants followed into them."""
    mon = np.floor(c["day"].to_numpy() / DAYS_PER_MONTH).astype(np.int64)
    keep = mon < MAX_MONTHS_SHOWN
    k = len(STAGES)
    counts = np.bincount(mon[keep] * k + (c["stage"].to_numpy()[keep] - 1),
                         minlength=MAX_MONTHS_SHOWN * k).reshape(MAX_MONTHS_SHOWN, k)
    sbm = pd.DataFrame(counts, columns=[f"stage_{s}" for s in STAGES])
    sbm.insert(0, "month", np.arange(1, MAX_MONTHS_SHOWN + 1))
    sbm["contacts"] = counts.sum(axis=1)
    # participants followed into month m: months followed > m − 1 (24 comparisons, not a loop
    # over participants)
    sbm["followed"] = (months[None, :] > np.arange(MAX_MONTHS_SHOWN)[:, None]).sum(axis=1)
    return sbm[(sbm["followed"] >= min_cell) & (sbm["contacts"] > 0)].reset_index(drop=True)


def _time_to_events(res: SEPractice, pp: pd.DataFrame, c: pd.DataFrame) -> None:
    """Kaplan–Meier of the days to the first stage 3–4 contact and to the first employer
    contact (censored at the end of follow-up), their summaries and the 30-day shares."""
    n = len(pp)
    search = np.isin(c["stage"].to_numpy(), JOB_SEARCH_STAGES)
    first = {"search": _first_day(c, search, n), "employer": _first_day(c, _is_employer(c), n)}
    summaries = []
    for ev, days_to in first.items():
        pp[f"first_{ev}"] = days_to
        event = np.isfinite(days_to)
        df = pd.DataFrame({"duration": np.where(event, days_to, pp["days"].to_numpy()),
                           "event": event.astype(int)})
        table = stats.kaplan_meier(df, "duration", "event", conf_type=KM_CONF_TYPE)
        res.km[ev] = table
        summary = {"event": ev, "n": n, "events": int(event.sum()), **_km_summary(df, table)}
        for d in SHARE_BY_DAYS:  # people behind each share, for disclosure control
            summary[f"n_by_{d}"] = int((days_to <= d).sum())
        summaries.append(summary)
        within = int((days_to <= RAPID_SEARCH_DAYS).sum())  # everyone followed >= 30 days
        res.rapid[ev] = _wilson(within, n)
    res.time_summary = pd.DataFrame(summaries)


def _caseload_summary(cm: pd.DataFrame) -> dict:
    monthly_mean = cm.groupby("month")["caseload"].mean()
    return {
        "mean": float(cm["caseload"].mean()),
        "median": float(cm["caseload"].median()),
        "peak": float(monthly_mean.max()),
        "share_above": float((cm["caseload"] > SEED_CASELOAD[1]).mean()),
        "share_within": float(cm["caseload"].between(*SEED_CASELOAD).mean()),
        "coaches": int(cm["coach"].nunique()),
        "coach_months": int(len(cm)),
        "reference": list(SEED_CASELOAD),
    }


def _outcome_link(pp: pd.DataFrame, employed: pd.Series) -> pd.DataFrame:
    """Intensity and highest stage of those who got work by the end of follow-up and those who
    did not (participants with an outcomes row), with the count behind every share."""
    has_row = employed.notna().to_numpy()
    with_row = pp[has_row].assign(employed=employed[has_row].astype(bool).to_numpy())
    rows = []
    for got in (True, False):
        grp = with_row[with_row["employed"] == got]
        size = len(grp)
        row = {"group": "yes" if got else "no", "n": size,
               "rate": grp["rate"].mean() if size else np.nan,
               "minutes_rate": grp["minutes_rate"].mean() if size else np.nan}
        # shares with the count of people behind each (a share of a small cell reveals it)
        flags = {"any_employer": grp["employer_contacts"] > 0,
                 "stage_none": grp["max_stage"] == 0}
        flags.update({f"max_stage_{s}": grp["max_stage"] == s for s in STAGES})
        for name, flag in flags.items():
            row[f"n_{name}"] = int(flag.sum())
            row[name] = flag.mean() if size else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _results(res: SEPractice) -> dict:
    """results.json path -> (value, null reason)."""
    n, min_cell = res.n_participants, res.min_cell
    ci_keys = ("estimate", "ci_low", "ci_high", "n")

    def interval(d: dict) -> tuple[dict, str | None]:
        value = {k: d[k] for k in ci_keys}
        undefined = any(pd.isna(v) for v in value.values())
        return value, ("interval not defined: fewer than 2 participants or no variation"
                       if undefined else None)

    r = {"se_log.participants": (publish_count(n, min_cell), None),
         "se_log.contacts_per_participant_month": (res.rate["estimate"], None),
         "se_log.contacts_per_participant_month_ci": interval(res.rate),
         "se_log.minutes_per_participant_month": interval(res.minutes_rate)}
    no_contacts = "no contacts logged for the SE participants"
    if res.share_employer:
        r["se_log.share_employer_contacts"] = (res.share_employer["estimate"], None)
        r["se_log.share_employer_contacts_ci"] = (dict(res.share_employer),
                                                  res.share_employer_reason)
    else:
        r["se_log.share_employer_contacts"] = (None, no_contacts)
        r["se_log.share_employer_contacts_ci"] = (None, no_contacts)
    rapid = res.rapid["search"]
    r["se_log.rapid_job_search"] = ((None, "suppressed") if 0 < rapid["x"] < min_cell else
                                    (dict(rapid, within_days=RAPID_SEARCH_DAYS), None))
    r["se_log.caseload_per_coach"] = ((dict(res.caseload_summary), None) if res.caseload_summary
                                      else (None, no_contacts))
    return r


#: The chapter's results.json keys (required first, then extra ones).
RESULT_KEYS = ("se_log.contacts_per_participant_month", "se_log.share_employer_contacts",
               "se_log.participants", "se_log.contacts_per_participant_month_ci",
               "se_log.share_employer_contacts_ci", "se_log.minutes_per_participant_month",
               "se_log.rapid_job_search", "se_log.caseload_per_coach")


def compute(stage: StageData, params: dict) -> SEPractice:
    """Everything the chapter shows, from the stage data (pure: no display, no recording)."""
    min_cell = int(params.get("min_cell", 5))
    seed = int(params.get("seed", 2016))
    res = SEPractice(status="ok", reason=None, cutoff=stage.cutoff, min_cell=min_cell)

    def stop(status: str, reason: str) -> SEPractice:
        res.status, res.reason = status, reason
        res.results = {k: (None, reason) for k in RESULT_KEYS}
        return res

    if not stage.has("se_log"):
        return stop("no_log", "no se_log file")
    se = se_participants(stage)
    res.n_participants = n = len(se)
    if n == 0:
        return stop("no_participants",
                    f"no SE participants followed for at least {MIN_FOLLOWUP_DAYS} days by the "
                    f"cut-off {stage.cutoff.date()}")
    if n < min_cell:
        return stop("suppressed", "suppressed")

    c = _contacts(se, stage.table("se_log"))
    pp = _per_participant(se, c)
    res.n_contacts = total = len(c)
    res.person_months = float(pp["months"].sum())
    res.rate = _mean_ci(pp["rate"])
    res.minutes_rate = _mean_ci(pp["minutes_rate"])
    res.rate_quartiles = tuple(float(x) for x in np.quantile(pp["rate"], [0.25, 0.5, 0.75]))
    if total:
        emp = pp["employer_contacts"].to_numpy(dtype=float)
        lo, hi, res.share_employer_reason = _share_interval(
            emp, pp["contacts"].to_numpy(dtype=float), seed)
        res.share_employer = {"estimate": float(emp.sum() / total), "ci_low": lo,
                              "ci_high": hi, "n_contacts": total, "n_participants": n}
        res.share_workplace = float(pp["workplace_contacts"].sum() / total)
        res.minutes_per_contact = float(pp["minutes"].sum() / total)
    res.by_office, res.by_office_type = _office_tables(pp, c)
    type_counts = np.bincount(c["type"].to_numpy(), minlength=len(CONTACT_TYPES))
    res.type_totals = pd.DataFrame({"type": CONTACT_TYPES, "contacts": type_counts,
                                    "share": type_counts / max(total, 1)})
    res.stage_by_month = _stage_by_month(c, pp["months"].to_numpy(), min_cell)
    _time_to_events(res, pp, c)
    if total:
        res.coaches, coach_office = _coach_tables(pp, c)
        cm, res.caseload = _caseload(c, coach_office)
        res.caseload_summary = _caseload_summary(cm)
    else:
        pp["coach_label"] = None
    outcomes = stage.table("outcomes")
    if outcomes is not None:
        res.has_outcomes = True
        employed = se["participant_id"].map(
            outcomes.set_index("participant_id")["employed"]).reset_index(drop=True)
        res.outcome_link = _outcome_link(pp, employed)
    res.per_participant = pp
    res.results = _results(res)
    return res


def record(ch: Chapter, result: SEPractice) -> None:
    """Record the results.json values of the chapter (required and extra keys)."""
    for path, (value, reason) in result.results.items():
        ch.result(path, value, reason)


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


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
        ch.notice(ch.t("se_too_few", min_cell=ch.min_cell))
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
               boxprops=dict(facecolor=colour, alpha=0.35, edgecolor=colour),
               medianprops=dict(color="black"), whiskerprops=dict(color=colour),
               capprops=dict(color=colour))
    ax.set_xticks(range(1, len(labels) + 1), labels)


def show_intensity(ch: Chapter, result: SEPractice) -> None:
    """Contacts and minutes per participant-month by office and contact type; distribution."""
    if not _ok(result):
        return
    lang = ch.language
    ch.section("se_intensity")
    bo = result.by_office.copy()
    shown = bo[bo["participants"] >= ch.min_cell]
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
              note=ch.t("se_dist_note", min_cell=ch.min_cell))


def coach_summary(coaches: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Per office, the spread of the coaches' mean rates (coaches with at least ``min_cell``
    participants): used instead of one row per coach when an office has many coaches."""
    big = coaches[coaches["participants"] >= min_cell]
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
    big = co[co["participants"] >= ch.min_cell]
    if big.empty:
        ch.text("se_coach_text_none", min_cell=ch.min_cell)
        return
    ch.text("se_coach_text", min_cell=ch.min_cell, low=fmt_num(big["rate"].min(), 1, lang),
            high=fmt_num(big["rate"].max(), 1, lang))
    offices = list(dict.fromkeys(big["office"]))
    colour = plots.ARM_COLOURS["treatment"]
    if big.groupby("office").size().max() > MAX_COACHES_LABELLED:
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        _boxplot(ax, [big.loc[big["office"] == o, "rate"].to_numpy() for o in offices],
                 [_office_name(o, lang) for o in offices], colour)
        ax.set_ylabel(ch.t("se_h_coach_mean"))
        ch.figure(fig, ch.t("se_coach_many_caption"), ch.t("se_source"),
                  note=ch.t("se_coach_many_note", min_cell=ch.min_cell))
        tab = coach_summary(co, ch.min_cell)
        tab["office_name"] = tab["office"].map(lambda o: _office_name(o, lang))
        ch.table(tab, [Column("office_name", ch.t("h_office")),
                       Column("coaches", ch.t("se_h_coaches"), "num", decimals=0),
                       Column("shown", ch.t("se_h_coaches_shown", min_cell=ch.min_cell), "num",
                              decimals=0)]
                 + [Column(k, ch.t(f"se_h_{k}"), "num") for k in
                    ("min", "q1", "median", "q3", "max")],
                 ch.t("se_coach_many_table_caption"), ch.t("se_source"),
                 note=ch.t("se_coach_many_note", min_cell=ch.min_cell))
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
              note=ch.t("se_coach_note", min_cell=ch.min_cell))
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
        colours = plt.cm.cividis(np.linspace(0.05, 0.95, 5))
        ax.stackplot(sbm["month"], (100 * shares.T).to_numpy(), colors=colours,
                     labels=[ch.t(f"se_stage_{s}") for s in STAGES], alpha=0.95)
        ax.set_xlim(sbm["month"].min(), sbm["month"].max())
        ax.set_ylim(0, 100)
        ax.set_xlabel(ch.t("se_x_months"))
        ax.set_ylabel(ch.t("se_y_share_contacts"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8)
        ch.figure(fig, ch.t("se_stage_caption"), ch.t("se_source"),
                  note=ch.t("se_stage_note", months=MAX_MONTHS_SHOWN, min_cell=ch.min_cell))

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
            share = (MARK if 0 < row[f"n_by_{last}"] < ch.min_cell
                     else fmt_pct(row[f"by_{last}"], lang))
            ch.text("se_time_not_reached", event=event, days=last, share=share)
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    styles = {"search": ("-", plots.ARM_COLOURS["treatment"]),
              "employer": ("--", plots.ARM_COLOURS["internal_control"])}
    for ev, table in result.km.items():
        tab = table[table["time"] <= KM_DAYS_SHOWN]
        x = np.r_[0, tab["time"].to_numpy(), KM_DAYS_SHOWN]
        y = 100 * (1 - np.r_[1, tab["survival"].to_numpy(), tab["survival"].iloc[-1]
                             if len(tab) else 1])
        lo = 100 * (1 - np.r_[1, tab["ci_high"].to_numpy(), tab["ci_high"].iloc[-1]
                              if len(tab) else 1])
        hi = 100 * (1 - np.r_[1, tab["ci_low"].to_numpy(), tab["ci_low"].iloc[-1]
                              if len(tab) else 1])
        ls, colour = styles[ev]
        ax.step(x, y, where="post", ls=ls, color=colour, label=ch.t(f"se_ev_{ev}"))
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, lw=0)
    ax.set_xlim(0, KM_DAYS_SHOWN)
    ax.set_ylim(0, 100)
    ax.set_xlabel(ch.t("se_x_days"))
    ax.set_ylabel(ch.t("se_y_share_reached"))
    ax.legend(loc="lower right")
    ch.figure(fig, ch.t("se_time_caption"), ch.t("se_source"), note=ch.t("se_time_note"))
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
        y = part["caseload"].where(part["participants"] >= ch.min_cell)
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
              note=ch.t("se_caseload_note", ref=ref, min_cell=ch.min_cell))


def indicator_table(result: SEPractice, lang: str) -> pd.DataFrame:
    """The fidelity-like indicators with their definition, value and basis (for the table)."""
    t = lambda key, **kw: text.t(key, lang, **kw)  # noqa: E731
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
        value = (MARK if 0 < r["x"] < result.min_cell else
                 t("se_ind_value_ci", value=fmt_pct(r["estimate"], lang),
                   low=fmt_pct(r["ci_low"], lang), high=fmt_pct(r["ci_high"], lang)))
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
    if (tab["value"] == MARK).any():
        note += " " + ch.t("suppressed_note", min_cell=ch.min_cell)
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
        if by.loc[g, "n"] < ch.min_cell:
            return "*"
        return fmt_num(by.loc[g, "rate"], 1, lang)

    def count(g):
        v = int(by.loc[g, "n"])
        return "*" if 0 < v < ch.min_cell else fmt_int(v, lang)

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
    for col in cols[2:]:  # a group below min_cell hides all its figures
        ol.loc[ol["n"] < ch.min_cell, col.base] = ol.loc[ol["n"] < ch.min_cell, "n"]
    ch.table(ol, cols, ch.t("se_outcomes_caption"), ch.t("se_source_outcomes"),
             note=ch.t("se_outcomes_note"))
