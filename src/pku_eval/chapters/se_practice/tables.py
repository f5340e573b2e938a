"""The vectorised pieces of the 'se_practice' computation (pure: no helper changes its inputs).

Everything works on whole columns (``numpy.bincount``, ``numpy.unique``, ``groupby``): at 100 000
participants the log has about 5 million rows, and no step loops over participants in Python.
Contacts are compact integer columns (see :func:`_contacts`); coach ids are factorised there and
never leave the computation.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from ... import stats
from ...disclosure import Policy
from ...tidy import StageData
from .constants import (
    BOOTSTRAP_REPS,
    CONTACT_TYPES,
    COUNTERPARTS,
    DAYS_PER_MONTH,
    EMPLOYER_COUNTERPARTS,
    JOB_SEARCH_STAGES,
    KM_CONF_TYPE,
    MAX_MONTHS_SHOWN,
    MIN_FOLLOWUP_DAYS,
    RAPID_SEARCH_DAYS,
    SEED_CASELOAD,
    SHARE_BY_DAYS,
    STAGES,
    WORKPLACE_TYPES,
)


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


def _coach_tables(pp: pd.DataFrame, c: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray,
                                                                 np.ndarray]:
    """Per coach (labelled A, B, … within office, no id): office, participants whose main coach
    it is (the coach who logged most of their contacts), their mean and median rate, contacts
    and minutes per contact. Also returns each coach's office and each participant's main
    coach label (for ``pp['coach_label']``; ``pp`` itself is not changed)."""
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
    coach_label = pd.Series(main_coach).map(label_of).to_numpy()
    return coaches.drop(columns="coach").reset_index(drop=True), coach_office, coach_label


def _stage_by_month(c: pd.DataFrame, months: np.ndarray, policy: Policy) -> pd.DataFrame:
    """Contacts per SE stage in each month since enrolment (month 1 = days 0–30.4), for the
    months with contacts and enough participants followed into them (``policy.enough``)."""
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
    shown = sbm["followed"].map(policy.enough).to_numpy(dtype=bool) & (sbm["contacts"] > 0)
    return sbm[shown].reset_index(drop=True)


def _time_to_events(pp: pd.DataFrame, c: pd.DataFrame) -> tuple[dict, pd.DataFrame, dict,
                                                                  dict]:
    """Kaplan–Meier of the days to the first stage 3–4 contact and to the first employer
    contact (censored at the end of follow-up), their summaries and the 30-day shares.

    Returns (event → Kaplan–Meier table, the summary table, event → 30-day share with its
    Wilson interval, event → each participant's days to it (NaN: not reached))."""
    n = len(pp)
    search = np.isin(c["stage"].to_numpy(), JOB_SEARCH_STAGES)
    first = {"search": _first_day(c, search, n), "employer": _first_day(c, _is_employer(c), n)}
    km, rapid, summaries = {}, {}, []
    for ev, days_to in first.items():
        event = np.isfinite(days_to)
        df = pd.DataFrame({"duration": np.where(event, days_to, pp["days"].to_numpy()),
                           "event": event.astype(int)})
        table = stats.kaplan_meier(df, "duration", "event", conf_type=KM_CONF_TYPE)
        km[ev] = table
        summary = {"event": ev, "n": n, "events": int(event.sum()), **_km_summary(df, table)}
        for d in SHARE_BY_DAYS:  # people behind each share, for disclosure control
            summary[f"n_by_{d}"] = int((days_to <= d).sum())
        summaries.append(summary)
        within = int((days_to <= RAPID_SEARCH_DAYS).sum())  # everyone followed >= 30 days
        rapid[ev] = _wilson(within, n)
    return km, pd.DataFrame(summaries), rapid, first


def _caseload_summary(cm: pd.DataFrame) -> dict:
    monthly_mean = cm.groupby("month")["caseload"].mean()
    return {
        "mean": float(cm["caseload"].mean()),
        "median": float(cm["caseload"].median()),
        "peak": float(monthly_mean.max()),
        "share_above": float((cm["caseload"] > SEED_CASELOAD[1]).mean()),
        "share_within": float(cm["caseload"].between(*SEED_CASELOAD).mean()),
        "coaches": int(cm["coach"].nunique()),
        "coach_months": len(cm),
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


