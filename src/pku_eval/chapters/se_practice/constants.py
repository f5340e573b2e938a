"""Definitions and fixed choices of the 'se_practice' chapter (REPORT_SPEC.md "SE participants")."""

from __future__ import annotations

from ...codebook import DAYS_PER_MONTH, SE_LOG  # noqa: F401  (months followed = days ÷ it)
from ...plots import GROUP_COLOURS, GROUP_LINESTYLES

#: Caseload per job coach described in the source documents, as (low, high) participants.
#: Source: the evaluation's seed documents (AFI/Proba, interim report of the PKU evaluation, January 2016,
#: the KLAR chapter): at one KLAR office "Begge jobbveilederne har om lag 10 brukere hver", at
#: another "Jobbveilederne har om lag 12-13 brukere hver"; DOMAIN.md sums this up as "about
#: 10–13 users each". (seeds/004, the KLAR final report, describes the staffing behind it: three
#: offices employed two full-time job coaches, one office one full-time and two half-time.)
SEED_CASELOAD = (10, 13)

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

#: Colours and line styles of offices: the report's (pku_eval.plots; the arm colours are
#: kept for arms).
OFFICE_COLOURS = GROUP_COLOURS
OFFICE_LINESTYLES = GROUP_LINESTYLES


def _ref_range(language: str) -> str:
    """The caseload the seeds describe, '10–13'."""
    return f"{SEED_CASELOAD[0]}–{SEED_CASELOAD[1]}"
