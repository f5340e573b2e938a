"""The pure computation of the 'se_practice' chapter: stage data and params in, a frozen
:class:`SEPractice` out (no display, no recording; neither the stage data nor the params are
changed).

Definitions (REPORT_SPEC.md "SE participants"): ``treatment`` arm at offices whose ``method`` is
``se``, withdrawn excluded, followed for at least 30 days. Their end of follow-up is the
follow-up end (earlier of ``followup_date`` and the cut-off), or the cut-off when there is no
outcomes row. Months followed = (end − ``enrolled_date``) in days ÷ 30.4375; contacts count up
to that end (inclusive). What may be published is decided by the suppression policy
(:class:`~pku_eval.disclosure.Policy`), never here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...disclosure import Policy
from ...params import Params
from ...tidy import StageData
from ...values import SUPPRESSED, Value, frozen_values
from .constants import CONTACT_TYPES, MIN_FOLLOWUP_DAYS, RAPID_SEARCH_DAYS
from .tables import (
    _caseload,
    _caseload_summary,
    _coach_tables,
    _contacts,
    _mean_ci,
    _office_tables,
    _outcome_link,
    _per_participant,
    _share_interval,
    _stage_by_month,
    _time_to_events,
    se_participants,
)


@dataclass(frozen=True)
class SEPractice:
    """Every number the chapter shows and records. Tables hold no participant or coach ids."""

    status: str                          # "ok" | "no_log" | "no_participants" | "suppressed"
    reason: str | None                   # the null reason when status is not "ok"
    cutoff: pd.Timestamp
    policy: Policy                       # the disclosure rules the result was computed under
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
    #: results.json path -> Value (nulls with their reason), recorded by ``ch.record``
    values: Mapping[str, Value] = field(default_factory=lambda: frozen_values({}))


def _object(value: dict, reason: str | None, n: int | None = None) -> Value:
    """An object value; ``reason`` (when given) explains the members that are null."""
    return Value(value, n=n, reason=reason)


#: The chapter's results.json keys (required first, then extra ones).
RESULT_KEYS = ("se_log.contacts_per_participant_month", "se_log.share_employer_contacts",
               "se_log.participants", "se_log.contacts_per_participant_month_ci",
               "se_log.share_employer_contacts_ci", "se_log.minutes_per_participant_month",
               "se_log.rapid_job_search", "se_log.caseload_per_coach")


def _values(res: SEPractice) -> Mapping[str, Value]:
    """results.json path -> Value."""
    n, policy = res.n_participants, res.policy
    ci_keys = ("estimate", "ci_low", "ci_high", "n")

    def interval(d: dict) -> Value:
        value = {k: d[k] for k in ci_keys}
        undefined = any(pd.isna(v) for v in value.values())
        return _object(value, "interval not defined: fewer than 2 participants or no variation"
                       if undefined else None, n=n)

    no_contacts = "no contacts logged for the SE participants"
    v = {"se_log.participants": policy.count(n),
         "se_log.contacts_per_participant_month": Value(res.rate["estimate"], n=n),
         "se_log.contacts_per_participant_month_ci": interval(res.rate),
         "se_log.minutes_per_participant_month": interval(res.minutes_rate)}
    if res.share_employer:
        v["se_log.share_employer_contacts"] = Value(res.share_employer["estimate"], n=n)
        v["se_log.share_employer_contacts_ci"] = _object(dict(res.share_employer),
                                                         res.share_employer_reason, n=n)
    else:
        v["se_log.share_employer_contacts"] = Value.null(no_contacts, n=n)
        v["se_log.share_employer_contacts_ci"] = Value.null(no_contacts, n=n)
    rapid = res.rapid["search"]
    # the number who reached job search within the days is a count of people
    v["se_log.rapid_job_search"] = (
        Value.null(SUPPRESSED, n=n) if policy.hides(rapid["x"])
        else Value(dict(rapid, within_days=RAPID_SEARCH_DAYS), n=n))
    v["se_log.caseload_per_coach"] = (Value(dict(res.caseload_summary), n=n)
                                      if res.caseload_summary else Value.null(no_contacts, n=n))
    return frozen_values(v)


def _stopped(status: str, reason: str, **fields) -> SEPractice:
    """The result of a chapter with nothing to show: every key null with ``reason``."""
    return SEPractice(status=status, reason=reason, **fields,
                      values=frozen_values({k: Value.null(reason) for k in RESULT_KEYS}))


def compute(stage: StageData, params: Params) -> SEPractice:
    """Everything the chapter shows, from the stage data (pure: no display, no recording)."""
    policy = Policy(params.min_cell)
    base = {"cutoff": stage.cutoff, "policy": policy}
    if not stage.has("se_log"):
        return _stopped("no_log", "no se_log file", **base)
    se = se_participants(stage)
    n = len(se)
    if n == 0:
        return _stopped("no_participants",
                        f"no SE participants followed for at least {MIN_FOLLOWUP_DAYS} days by "
                        f"the cut-off {stage.cutoff.date()}", **base)
    withheld = policy.guard([n])
    if withheld:
        return _stopped("suppressed", withheld, n_participants=n, **base)

    c = _contacts(se, stage.table("se_log"))
    pp = _per_participant(se, c)
    total = len(c)
    out = dict(base, status="ok", reason=None, n_participants=n, n_contacts=total,
               person_months=float(pp["months"].sum()), rate=_mean_ci(pp["rate"]),
               minutes_rate=_mean_ci(pp["minutes_rate"]),
               rate_quartiles=tuple(float(x)
                                    for x in np.quantile(pp["rate"], [0.25, 0.5, 0.75])))
    if total:
        emp = pp["employer_contacts"].to_numpy(dtype=float)
        lo, hi, out["share_employer_reason"] = _share_interval(
            emp, pp["contacts"].to_numpy(dtype=float), params.seed)
        out["share_employer"] = {"estimate": float(emp.sum() / total), "ci_low": lo,
                                 "ci_high": hi, "n_contacts": total, "n_participants": n}
        out["share_workplace"] = float(pp["workplace_contacts"].sum() / total)
        out["minutes_per_contact"] = float(pp["minutes"].sum() / total)
    out["by_office"], out["by_office_type"] = _office_tables(pp, c)
    type_counts = np.bincount(c["type"].to_numpy(), minlength=len(CONTACT_TYPES))
    out["type_totals"] = pd.DataFrame({"type": CONTACT_TYPES, "contacts": type_counts,
                                       "share": type_counts / max(total, 1)})
    out["stage_by_month"] = _stage_by_month(c, pp["months"].to_numpy(), policy)
    out["km"], out["time_summary"], out["rapid"], first = _time_to_events(pp, c)
    pp = pp.assign(**{f"first_{ev}": days for ev, days in first.items()})
    if total:
        out["coaches"], coach_office, coach_label = _coach_tables(pp, c)
        cm, out["caseload"] = _caseload(c, coach_office)
        out["caseload_summary"] = _caseload_summary(cm)
    else:
        coach_label = None
    pp = pp.assign(coach_label=coach_label)
    outcomes = stage.table("outcomes")
    if outcomes is not None:
        out["has_outcomes"] = True
        employed = se["participant_id"].map(
            outcomes.set_index("participant_id")["employed"]).reset_index(drop=True)
        out["outcome_link"] = _outcome_link(pp, employed)
    res = SEPractice(per_participant=pp, **out)
    return dataclasses.replace(res, values=_values(res))
