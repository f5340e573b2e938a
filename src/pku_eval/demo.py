"""Synthetic demo data for the PKU evaluation, following ``DATA_CONTRACT.md``.

The generator is seeded, deterministic and vectorised with numpy. It mirrors the design of the
trial: the KLAR randomised controlled trial of Supported Employment (SE) at four NAV offices with
unequal allocation (about 60/40) to ``treatment`` and ``internal_control``, an
``external_control`` group at three reference offices, and the Ung@jobb and Sør-Trøndelag projects
whose participants all receive their office's method (arm ``treatment``, not randomised).

Calendar (the report specification's default): enrolment from 2014-01-01 to 2015-12-31, the
participant survey's waves T0, T1 and T2 at enrolment and about 6 and 12 months later, the
register extract (``outcomes.followup_date``, :data:`FOLLOWUP`) on 2017-06-30, which is also the
final report's cut-off; the SE log and withdrawals run up to the extract. The learning survey
(spring 2014 and 2016), the employer survey (2015-2016) and the actor survey (spring 2016 and
2017) keep their own fieldwork calendars.

Every effect that the analyses are meant to find is planted in one place, :data:`PLANTED`; the
tests and the chapters' smoke tests compare against that dictionary, never against typed numbers.
Among them a modest job-coach effect (``PLANTED["coach"]``): SE participants share a main coach
(about 12 each), whose random intercept shifts their scale scores at T1 and T2 (SD 0.08-0.10 on
the scale's metric) and whose participants' times to a first job are correlated (a Gaussian
copula, correlation 0.10), so the chapters' coach-aware intervals are wider than the naive
ones. Both effects have mean zero: the other planted values hold in expectation.
The default data also exercise every guard of the report (see ``REPORT_SPEC.md``): an attrition
flag in the final report (response at T2 below 0.70 in some arm), withdrawals before and after the
interim cut-off 2015-10-31, and an office (``jobbhuset``) with fewer than 5 participants.

Each table has its own random stream (spawned from one :class:`numpy.random.SeedSequence`), so
changing how one table is generated leaves the others unchanged.

Examples
--------
>>> tables = generate(participants=100, seed=1)
>>> sorted(tables)
['actor_survey', 'employer_survey', 'learning_survey', 'offices', 'outcomes', 'participants', 'se_log', 'session_feedback', 'survey']
>>> len(tables["participants"])
100
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

from . import demo_kor
from .codebook import DAYS_PER_MONTH as _DAYS_PER_MONTH
from .codebook import FILES
from .demo_marker import DEMO_MARKER, is_demo, mark_demo  # noqa: F401  (the demo marker)

__all__ = [
    "DEFAULT_PARTICIPANTS",
    "DEFAULT_SEED",
    "MIN_PARTICIPANTS",
    "OFFICES",
    "PLANTED",
    "TABLES",
    "generate",
    "write_demo",
]

DEFAULT_SEED = 2016
DEFAULT_PARTICIPANTS = 600
MIN_PARTICIPANTS = 20

#: The nine tables, in the order in which they are returned and written (the last two, of
#: contract version 2, are made in :mod:`pku_eval.demo_kor`).
TABLES = (
    "offices",
    "participants",
    "survey",
    "se_log",
    "outcomes",
    "learning_survey",
    "employer_survey",
    "session_feedback",
    "actor_survey",
)

# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


def _day(iso: str) -> int:
    """Day number (days since 1970-01-01) of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


ENROL_START = _day("2014-01-01")
ENROL_END = _day("2015-12-31")
INTERIM_CUTOFF = _day("2015-10-31")
FOLLOWUP = _day("2017-06-30")  # register extract (followup_date) and final cut-off
# The instruments with their own fieldwork keep their own calendars, whatever the extract date:
# the employer survey (below), the learning survey (spring 2014 and 2016) and the actor survey
# (spring 2016 and 2017, in demo_kor). Withdrawals, the participant survey, the SE log and
# the register's first jobs run up to the extract.
_EMPLOYER_SURVEY = (_day("2015-01-01"), _day("2016-12-31"))
_DAYS_PER_YEAR = 365.25
_WAVE_OFFSET = {"T0": 0, "T1": 183, "T2": 365}  # days after enrolment a wave is due
_RESPONSE_WINDOW = 30  # a wave is answered 0-30 days after it is due


def _expected_job_share(hazard_per_year: float) -> float:
    """Expected share with a first job by FOLLOWUP under a constant annual hazard.

    Enrolment is uniform over the enrolment days, so the share is the mean of
    ``1 - exp(-hazard * t)`` over the follow-up times ``t`` of those days.
    """
    years = (FOLLOWUP - np.arange(ENROL_START, ENROL_END + 1)) / _DAYS_PER_YEAR
    return float(np.mean(1.0 - np.exp(-hazard_per_year * years)))


# --------------------------------------------------------------------------------------------
# The planted effects: the single place where the "truth" of the demo data is written down.
# Keys "treatment", "internal_control", "external_control" are the KLAR arms; "other_projects"
# are the Ung@jobb and Sør-Trøndelag participants (arm "treatment", not randomised).
# --------------------------------------------------------------------------------------------

_HAZARD_RATIO = 1.6  # first ordinary job: KLAR treatment (SE) vs internal_control
_JOB_HAZARD_PER_YEAR = {  # constant hazard of a first ordinary job (exponential time to event)
    "treatment": 0.18 * _HAZARD_RATIO,
    "internal_control": 0.18,
    "external_control": 0.165,
    "other_projects": 0.22,
}

PLANTED: dict = {
    # Hazard ratio of a first ordinary job, treatment vs internal_control (proportional hazards,
    # the same in every office).
    "time_to_work_hazard_ratio": _HAZARD_RATIO,
    # Annual hazards behind it, per arm (see above).
    "job_hazard_per_year": _JOB_HAZARD_PER_YEAR,
    # Expected share with a first ordinary job by the register extract 2017-06-30 among those
    # with an outcomes row, derived exactly from the hazards and the uniform enrolment
    # 2014-01-01 .. 2015-12-31 (about treatment 0.51, internal_control 0.36, external_control
    # 0.34, other 0.42). Every participant is followed at least 18 months, so the primary
    # estimand's 12-month horizon is reached by all.
    "employment": {arm: _expected_job_share(h) for arm, h in _JOB_HAZARD_PER_YEAR.items()},
    # Probability of answering each wave (before the calendar cut: a wave dated after the
    # extract 2017-06-30, or after a withdrawal, is not answered; with enrolment up to
    # 2015-12-31 every T2 falls before the extract). Internal control falls below 0.70 at T2,
    # so the final report's "attrition" flag fires.
    "response": {
        "T0": {"treatment": 0.92, "internal_control": 0.90, "external_control": 0.88,
               "other_projects": 0.90},
        "T1": {"treatment": 0.80, "internal_control": 0.74, "external_control": 0.72,
               "other_projects": 0.74},
        "T2": {"treatment": 0.68, "internal_control": 0.55, "external_control": 0.58,
               "other_projects": 0.58},
    },
    # Mean change of the scale score (mean of items after reversal, on the scale's own metric:
    # mastery 1-4, satisfaction and participation 1-5) from T0 to T1 and T2.
    "scale_change": {
        "mastery": {
            "treatment": {"T1": 0.20, "T2": 0.30},
            "internal_control": {"T1": 0.05, "T2": 0.10},
            "external_control": {"T1": 0.05, "T2": 0.10},
            "other_projects": {"T1": 0.10, "T2": 0.15},
        },
        "satisfaction": {
            "treatment": {"T1": 0.40, "T2": 0.45},
            "internal_control": {"T1": 0.05, "T2": 0.05},
            "external_control": {"T1": 0.00, "T2": 0.05},
            "other_projects": {"T1": 0.25, "T2": 0.30},
        },
        "participation": {
            "treatment": {"T1": 0.45, "T2": 0.50},
            "internal_control": {"T1": 0.05, "T2": 0.10},
            "external_control": {"T1": 0.05, "T2": 0.05},
            "other_projects": {"T1": 0.30, "T2": 0.35},
        },
    },
    # Learning-system questionnaire: post minus pre in the mean scale score (1-5).
    "learning_change": {"arenas": 0.40, "sharing": 0.30, "research": 0.20},
    # SE log: contacts per participant-month (Poisson process over the follow-up).
    "se_contacts_per_month": 7.0,
    # The job coaches: each SE participant (KLAR treatment) has a main coach with about
    # `caseload` participants. A coach effect is planted in two places, both mean zero, so
    # every expected value above holds (in expectation over the coaches):
    # - `scale_sd`: SD of a random coach intercept added to the scale level at T1 and T2
    #   (the same at both waves; not at T0), evenly spread over ±√3·SD in a random order so
    #   that no item leaves the scale and the intercepts sum to zero. It is the coach SD that
    #   a partially nested model of a wave's score recovers.
    # - `job_correlation`: the time to a first job is correlated within a coach through a
    #   Gaussian copula (correlation of the latent normal scores of two participants of one
    #   coach); each participant's own time stays exponential with the arm's hazard, so the
    #   shares and the hazard ratio above are unchanged, while some coaches' participants find
    #   work sooner than others' (intra-coach correlation of "a job by the extract" about 0.06).
    "coach": {
        "caseload": 12,
        "scale_sd": {"mastery": 0.08, "satisfaction": 0.10, "participation": 0.10},
        "job_correlation": 0.10,
    },
    # KOR session forms (Ung@jobb) and the actor survey: see pku_eval.demo_kor.
    "kor": demo_kor.PLANTED_KOR,
    "actors": demo_kor.PLANTED_ACTORS,
}

# --------------------------------------------------------------------------------------------
# Fixed design: offices, allocation, levels of the scales
# --------------------------------------------------------------------------------------------

OFFICES = pd.DataFrame(
    [
        ("moss", "NAV Moss", "ostfold", "klar", "trial", "se", 85),
        ("rygge", "NAV Rygge", "ostfold", "klar", "trial", "se", 45),
        ("royken", "NAV Røyken", "buskerud", "klar", "trial", "se", 60),
        ("hurum", "NAV Hurum", "buskerud", "klar", "trial", "se", 28),
        ("rakkestad", "NAV Rakkestad", "ostfold", "klar", "reference", None, 35),
        ("sarpsborg", "NAV Sarpsborg", "ostfold", "klar", "reference", None, 110),
        ("modum", "NAV Modum", "buskerud", "klar", "reference", None, 40),
        ("haugesund", "NAV Haugesund", "rogaland", "ungjobb", "trial", "kor", 95),
        ("karmoy", "NAV Karmøy", "rogaland", "ungjobb", "trial", "eok", 70),
        ("lerkendal", "NAV Lerkendal", "sor_trondelag", "sortrondelag", "trial", "mi", 75),
        ("orkdal", "NAV Orkdal", "sor_trondelag", "sortrondelag", "trial", "mi", 40),
        ("jobbhuset", "Jobbhuset", "sor_trondelag", "sortrondelag", "trial", "other", 22),
    ],
    columns=["office", "name", "county", "project", "role", "method", "staff"],
)
"""The offices table (contract columns): the twelve offices and practice arenas of PKU."""

# Participant groups: share of all participants, and the offices (with weights) they come from.
# "jobbhuset" is kept tiny on purpose (4 of 600) so that disclosure control has work to do.
_GROUPS = {
    "klar_randomised": (0.5, {"moss": 0.32, "rygge": 0.22, "royken": 0.28, "hurum": 0.18}),
    "external_control": (1 / 6, {"rakkestad": 0.25, "sarpsborg": 0.50, "modum": 0.25}),
    "ungjobb": (1 / 6, {"haugesund": 0.55, "karmoy": 0.45}),
    "sortrondelag": (1 / 6, {"lerkendal": 0.60, "orkdal": 0.40}),
}
_TINY_OFFICE, _TINY_PER_600 = "jobbhuset", 4
_ALLOCATION_BLOCK = ("treatment",) * 3 + ("internal_control",) * 2  # permuted blocks, 60/40
_WITHDRAWN_SHARE = 0.025
_FORCED_WITHDRAWALS = 2  # at least this many before and after the interim cut-off
_MIN_WITHDRAWN_PER_ARM = 5  # = default min_cell: the final demo report publishes every count

_BENEFITS = ("aap", "sosialhjelp", "kvp", "dagpenger", "ufore", "ingen", "annet")
_BENEFIT_PROBS = {  # adults (KLAR) and young users (Ung@jobb, Sør-Trøndelag)
    False: (0.55, 0.12, 0.06, 0.08, 0.04, 0.07, 0.08),
    True: (0.42, 0.22, 0.14, 0.05, 0.02, 0.08, 0.07),
}
_EDUCATION = ("grunnskole", "vgs", "hoyere", "ukjent")
_EDUCATION_PROBS = (0.35, 0.40, 0.15, 0.10)

# Participant scales: items, range, baseline mean and sd of the person level, sd of the change
# between waves (occasion), sd of item noise, items stored reversed (1-based).
_SCALES = {
    # Latent levels are bounded (normal draws cut symmetrically at ±_Z_BOUND SD, so their mean is
    # unchanged) and item noise is uniform ±item_halfwidth; the parameters keep every item
    # inside the scale, so nothing is clipped and the planted changes hold exactly in the
    # expected scale scores (checked in _likert). The baseline means leave room at the top for
    # the largest planted change plus the largest coach intercept (√3 · PLANTED coach SD).
    "mastery": dict(items=7, low=1, high=4, mean=2.35, person_sd=0.30, occasion_sd=0.15,
                    item_halfwidth=0.30, reversed=(1, 3, 4, 6, 7)),
    "satisfaction": dict(items=5, low=1, high=5, mean=2.80, person_sd=0.45, occasion_sd=0.20,
                         item_halfwidth=0.25, reversed=()),
    "participation": dict(items=4, low=1, high=5, mean=2.70, person_sd=0.45, occasion_sd=0.20,
                          item_halfwidth=0.30, reversed=()),
}
_Z_BOUND = 2.0
_LEARNING_SCALES = {"arenas": 2.80, "sharing": 3.00, "research": 2.60}  # pre-round means
_LEARNING_SD = dict(person_sd=0.45, occasion_sd=0.25, item_halfwidth=0.20)
_LEARNING_RESPONSE, _LEARNING_SAME_PERSON = 0.70, 0.50

# Missing values in 1-5 items, health and the survey's employment item.
_DONT_KNOW, _NOT_ANSWERED, _EMPTY = 0.02, 0.015, 0.02

_EMPLOYMENT = ("ordinary_paid", "subsidised", "education", "work_training", "none")
_EMPLOYMENT_PROBS = {True: (0.78, 0.08, 0.04, 0.02, 0.08),  # after the first job
                     False: (0.03, 0.10, 0.10, 0.20, 0.57)}
_HOURS = {"ordinary_paid": (28, 10), "subsidised": (25, 8), "work_training": (18, 8)}

_STATUS = ("ordinary_paid", "subsidised", "education", "aap", "sosialhjelp", "ufore", "other")
_STATUS_PROBS = {True: (0.75, 0.08, 0.05, 0.07, 0.00, 0.00, 0.05),
                 False: (0.00, 0.10, 0.07, 0.50, 0.15, 0.08, 0.10)}
_OUTCOME_SHARE = 0.93

_CASELOAD = PLANTED["coach"]["caseload"]  # SE participants per job coach
_SUBSTITUTE_COACH = 0.05
_COUNTERPARTS = ("participant", "employer", "both", "other_service")
_COUNTERPART_PROBS = (  # by SE stage 1..5: employer contact grows with the stage
    (0.92, 0.02, 0.01, 0.05),
    (0.87, 0.05, 0.03, 0.05),
    (0.75, 0.14, 0.06, 0.05),
    (0.65, 0.20, 0.10, 0.05),
    (0.67, 0.14, 0.14, 0.05),
)
_CONTACT_TYPES = ("meeting", "phone", "sms", "email", "workplace_visit", "employer_meeting")
_CONTACT_TYPE_PROBS = (  # by counterpart
    (0.35, 0.28, 0.27, 0.10, 0.00, 0.00),
    (0.00, 0.35, 0.05, 0.20, 0.10, 0.30),
    (0.30, 0.05, 0.00, 0.00, 0.45, 0.20),
    (0.40, 0.35, 0.00, 0.25, 0.00, 0.00),
)
_MINUTES = ((30, 90), (5, 30), (0, 5), (2, 15), (45, 180), (30, 90))  # by contact type
_STAGE_DAYS = (21, 60, 120)  # typical days to stages 2, 3 and 3-or-4, scaled per participant

_EMPLOYERS_PER_SE_PARTICIPANT = 0.27

_COLUMNS = {name: spec.columns for name, spec in FILES.items()}  # the contract's order


# --------------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------------


def generate(
    participants: int = DEFAULT_PARTICIPANTS, seed: int = DEFAULT_SEED
) -> dict[str, pd.DataFrame]:
    """Generate the nine demo tables.

    Parameters
    ----------
    participants : int, default 600
        Number of rows of ``participants`` (all projects and arms), at least
        :data:`MIN_PARTICIPANTS`. Half are KLAR randomised participants, a sixth each are KLAR
        external controls, Ung@jobb and Sør-Trøndelag participants.
    seed : int, default 2016
        Seed of the random streams; the same seed and size give identical tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys in :data:`TABLES` order: ``offices``, ``participants``, ``survey``, ``se_log``,
        ``outcomes``, ``learning_survey``, ``employer_survey``, ``session_feedback``,
        ``actor_survey``; each with exactly the contract's
        columns in the contract's order. Dates are ``datetime64`` (``NaT`` when empty), integer
        columns with empty cells are nullable ``Int64``, ids and codes are strings.

    Raises
    ------
    TypeError
        If ``participants`` or ``seed`` is not an integer.
    ValueError
        If ``participants`` is below :data:`MIN_PARTICIPANTS` or ``seed`` is negative.

    Notes
    -----
    The planted effects are in :data:`PLANTED`. A latent first-job day per participant
    (exponential time to event, hazard by arm, correlated within a job coach) drives
    ``outcomes``, the survey's employment item and SE stage 5 in ``se_log``, so the tables
    tell one consistent story. Each SE participant's main coach in ``se_log`` is the coach
    whose planted effects (``PLANTED["coach"]``) act on their scale scores and first job.

    Examples
    --------
    >>> t = generate(participants=60, seed=3)
    >>> list(t["outcomes"].columns)
    ['participant_id', 'followup_date', 'first_job_date', 'status']
    """
    n = _check_int("participants", participants, MIN_PARTICIPANTS)
    seed = _check_int("seed", seed, 0)
    streams = np.random.SeedSequence(seed).spawn(len(TABLES) + 2)
    # the streams of version 1's seven tables and "first_job" keep their places (0-7), so that
    # adding a table leaves the others' bytes unchanged; "coach" (the coach effects) came last
    rng = {name: np.random.default_rng(s)
           for name, s in zip((*TABLES[:7], "first_job", *TABLES[7:], "coach"), streams)}

    offices = OFFICES.copy()
    people = _participants(rng["participants"], n)
    coaches = _main_coaches(people)
    scale_effect, job_effect = _coach_effects(rng["coach"], coaches)
    job_day = _first_job_day(rng["first_job"], people, job_effect)
    tables = {
        "offices": offices,
        "participants": people,
        "survey": _survey(rng["survey"], people, job_day, scale_effect),
        "se_log": _se_log(rng["se_log"], people, job_day, coaches),
        "outcomes": _outcomes(rng["outcomes"], people, job_day),
        "learning_survey": _learning_survey(rng["learning_survey"]),
        "employer_survey": _employer_survey(rng["employer_survey"], people),
        "session_feedback": demo_kor.session_feedback(rng["session_feedback"], people, offices),
        "actor_survey": demo_kor.actor_survey(rng["actor_survey"], n),
    }
    for name, table in tables.items():
        if list(table.columns) != _COLUMNS[name]:  # a bug, not bad input
            raise RuntimeError(f"demo table {name} has columns {list(table.columns)}")
    return {name: tables[name] for name in TABLES}


def write_demo(
    out_dir, participants: int = DEFAULT_PARTICIPANTS, seed: int = DEFAULT_SEED
) -> list[pathlib.Path]:
    """Write the nine demo tables as UTF-8 CSV files.

    Parameters
    ----------
    out_dir : str or os.PathLike
        Directory to write into; created (with parents) if needed. Existing files of the same
        names are overwritten.
    participants : int, default 600
        Passed to :func:`generate`.
    seed : int, default 2016
        Passed to :func:`generate`.

    Returns
    -------
    list of pathlib.Path
        The paths written, ``<out_dir>/<table>.csv`` in :data:`TABLES` order.

    Notes
    -----
    Header row, comma-separated, ``\\n`` line ends, no index; dates ``YYYY-MM-DD``; missing values
    are empty cells; integers have no decimals. The bytes depend only on ``participants`` and
    ``seed``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_demo(d, participants=40)][:2]
    ['offices.csv', 'participants.csv']
    """
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in generate(participants, seed).items():
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n",
                     date_format="%Y-%m-%d")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# One helper per table
# --------------------------------------------------------------------------------------------


def _participants(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Participants: offices, arms, enrolment, background, withdrawals.

    Ids follow the order of enrolment (``P-00001`` enrolled first).
    """
    office, arm = _allocate(rng, n)
    project = _office_attribute("project", office)
    young = project != "klar"
    randomised = (project == "klar") & (arm != "external_control")

    enrolled = rng.integers(ENROL_START, ENROL_END + 1, n)
    order = np.lexsort((np.arange(n), enrolled))
    office, arm, young, randomised, enrolled = (
        a[order] for a in (office, arm, young, randomised, enrolled))

    enrol_year = enrolled.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    age = np.where(young, rng.integers(19, 30, n), rng.integers(20, 63, n))
    benefit = np.empty(n, dtype=object)
    for is_young in (False, True):
        rows = young == is_young
        benefit[rows] = _draw(rng, _BENEFITS, _BENEFIT_PROBS[is_young], rows.sum())

    return pd.DataFrame({
        "participant_id": _ids("P", n, 5),
        "office": office,
        "arm": arm,
        "randomised": randomised.astype(np.int64),
        "enrolled_date": _dates(enrolled),
        "birth_year": enrol_year - age,
        "gender": np.where(rng.random(n) < np.where(young, 0.40, 0.45), "kvinne", "mann"),
        "main_benefit": benefit,
        "education": _draw(rng, _EDUCATION, _EDUCATION_PROBS, n),
        "immigrant": (rng.random(n) < 0.25).astype(np.int64),
        "withdrawn_date": _dates(_withdrawals(rng, enrolled, arm)),
    })


def _survey(rng: np.random.Generator, people: pd.DataFrame, job_day: np.ndarray,
            coach_effect: dict[str, np.ndarray]) -> pd.DataFrame:
    """Participant questionnaire, long format: one row per participant and answered wave.

    Each scale has one latent level per participant and wave (person level + planted change
    for the wave and group + occasion noise, + the coach intercept ``coach_effect[scale]`` of
    an SE participant at T1 and T2); its items are that level plus item noise,
    rounded (see :func:`_likert`), so the items correlate as one factor. Health and life
    satisfaction follow the mastery level; employment follows the latent first-job day.
    """
    who, wave, date = _answered_waves(rng, people)
    rows = len(who)
    group = _planted_group(people)[who]
    waves = np.array(list(_WAVE_OFFSET), dtype=object)
    columns = {"participant_id": people["participant_id"].to_numpy()[who],
               "wave": waves[wave],
               "response_date": _dates(date)}
    columns.update(_employment_items(rng, job_day[who] <= date))

    level = {}
    for scale, spec in _SCALES.items():
        person = spec["mean"] + spec["person_sd"] * _bounded_z(rng, len(people))
        change = np.zeros(rows)
        for w in (1, 2):
            planted = {g: c[waves[w]] for g, c in PLANTED["scale_change"][scale].items()}
            change[wave == w] = _lookup(planted, group[wave == w])
        change += np.where(wave > 0, coach_effect[scale][who], 0.0)
        level[scale] = person[who] + change + spec["occasion_sd"] * _bounded_z(rng, rows)
        items = _likert(rng, level[scale], spec["items"], spec["low"], spec["high"],
                        spec["item_halfwidth"])
        for j in spec["reversed"]:  # stored as worded: negatively worded items reversed
            items[:, j - 1] = spec["low"] + spec["high"] - items[:, j - 1]
        items = _with_missing_codes(rng, items)
        for j in range(spec["items"]):
            columns[f"{scale}_{j + 1}"] = _int_column(items[:, j])

    mastery_z = (level["mastery"] - _SCALES["mastery"]["mean"]) / _SCALES["mastery"]["person_sd"]
    health = _likert(rng, 3.2 + 0.35 * mastery_z, 1, 1, 5, 0.7, clip=True)
    columns["health"] = _int_column(_with_missing_codes(rng, health)[:, 0])
    life = np.clip(np.rint(5.8 + 0.9 * mastery_z + 1.5 * rng.standard_normal(rows)), 0, 10)
    columns["life_satisfaction"] = _int_column(np.where(rng.random(rows) < _EMPTY, np.nan, life))
    return pd.DataFrame(columns)


def _answered_waves(rng: np.random.Generator,
                    people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Participant row, wave index (0 = T0) and response day of each answered wave.

    A wave is answered 0-30 days after it is due, with the probability in
    ``PLANTED["response"]``, and only if that day is not after the register extract
    (:data:`FOLLOWUP`) nor after the participant's withdrawal. Sorted by participant and wave.
    """
    n = len(people)
    enrolled = _day_numbers(people["enrolled_date"])
    withdrawn = _day_numbers(people["withdrawn_date"], missing=np.iinfo(np.int64).max)
    group = _planted_group(people)
    who, wave, date = [], [], []
    for index, (name, offset) in enumerate(_WAVE_OFFSET.items()):
        day = enrolled + offset + rng.integers(0, _RESPONSE_WINDOW + 1, n)
        answered = ((rng.random(n) < _lookup(PLANTED["response"][name], group))
                    & (day <= FOLLOWUP) & (day <= withdrawn))
        who.append(np.flatnonzero(answered))
        wave.append(np.full(answered.sum(), index))
        date.append(day[answered])
    who, wave, date = (np.concatenate(a) for a in (who, wave, date))
    order = np.lexsort((wave, who))
    return who[order], wave[order], date[order]


def _se_log(rng: np.random.Generator, people: pd.DataFrame, job_day: np.ndarray,
            coaches: tuple[np.ndarray, np.ndarray, np.ndarray, int]) -> pd.DataFrame:
    """Job coaches' contact log for treatment participants at offices whose method is SE.

    Contacts are a Poisson process at ``PLANTED["se_contacts_per_month"]`` from enrolment to
    the end of follow-up or the withdrawal (see :func:`_se_contacts`); the counterpart depends on
    the SE stage, the contact type on the counterpart, the minutes on the contact type. The
    coach is the participant's main coach (:func:`_main_coaches`) or a substitute.
    """
    se_offices = OFFICES.loc[OFFICES["method"] == "se", "office"]
    keep = ((people["arm"] == "treatment") & people["office"].isin(se_offices)).to_numpy()
    sub = people[keep]
    owner, date, stage = _se_contacts(rng, sub, job_day[keep])
    coach = _coaches(rng, tuple(a[keep] for a in coaches[:3]), coaches[3], owner)
    counterpart = _draw_by(rng, _COUNTERPART_PROBS, stage - 1)
    contact_type = _draw_by(rng, _CONTACT_TYPE_PROBS, counterpart)
    low, high = np.array(_MINUTES).T
    minutes = rng.integers(low[contact_type], high[contact_type] + 1)
    return pd.DataFrame({
        "log_id": _ids("L", len(owner), 7),
        "participant_id": sub["participant_id"].to_numpy()[owner],
        "coach_id": coach,
        "date": _dates(date),
        "contact_type": np.array(_CONTACT_TYPES, dtype=object)[contact_type],
        "counterpart": np.array(_COUNTERPARTS, dtype=object)[counterpart],
        "se_stage": stage.astype(np.int64),
        "minutes": minutes.astype(np.int64),
    }, copy=False)  # no consolidating copy of millions of rows


def _se_contacts(rng: np.random.Generator, sub: pd.DataFrame,
                 job_day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Owner (row of ``sub``), day and SE stage of each contact, sorted by owner and day.

    The stage advances with time since enrolment at a personal pace (1 in the first weeks, 2
    next, 3 after about two months, 3 or 4 after about four) and is 5 from the first job on.
    """
    start = _day_numbers(sub["enrolled_date"])
    end = np.minimum(FOLLOWUP, _day_numbers(sub["withdrawn_date"], missing=FOLLOWUP))
    span = end - start
    count = rng.poisson(PLANTED["se_contacts_per_month"] * span / _DAYS_PER_MONTH)
    owner = np.repeat(np.arange(len(sub), dtype=np.int32), count)
    offset = rng.integers(0, span[owner] + 1).astype(np.int32)
    order = np.lexsort((offset, owner))
    owner, offset = owner[order], offset[order]
    del order

    pace = rng.uniform(0.7, 1.5, len(sub))
    stage = (1 + (offset >= (_STAGE_DAYS[0] * pace)[owner])
             + (offset >= (_STAGE_DAYS[1] * pace)[owner])).astype(np.int8)
    later = (offset >= (_STAGE_DAYS[2] * pace)[owner]) & (rng.random(len(owner)) < 0.55)
    stage[later] = 4
    del later
    date = start[owner] + offset
    stage[date >= job_day[owner]] = 5
    return owner, date, stage


def _outcomes(rng: np.random.Generator, people: pd.DataFrame,
              job_day: np.ndarray) -> pd.DataFrame:
    """Register extract at :data:`FOLLOWUP` (2017-06-30) for about 93% of participants (the rest
    are missing)."""
    n = len(people)
    has_row = rng.random(n) < _OUTCOME_SHARE
    employed = job_day <= FOLLOWUP
    status = np.empty(n, dtype=object)
    for has_job in (True, False):
        rows = employed == has_job
        status[rows] = _draw(rng, _STATUS, _STATUS_PROBS[has_job], rows.sum())
    first_job = np.where(employed, job_day, 0)
    return pd.DataFrame({
        "participant_id": people["participant_id"].to_numpy(),
        "followup_date": _dates(np.full(n, FOLLOWUP)),
        "first_job_date": _dates(first_job, present=employed),
        "status": status,
    })[has_row].reset_index(drop=True)


def _learning_survey(rng: np.random.Generator) -> pd.DataFrame:
    """Learning-system questionnaire to the employees of the four KLAR trial offices.

    About 70% of each office's staff answer each round; about half of the post respondents
    answered pre as well (same ``respondent_id``, tenure two years longer).
    """
    offices = OFFICES[(OFFICES["project"] == "klar") & (OFFICES["role"] == "trial")]
    person_office, pre_rows, post_rows = [], [], []
    persons = 0
    for office, staff in zip(offices["office"], offices["staff"]):
        n_pre, n_post = rng.binomial(staff, _LEARNING_RESPONSE, 2)
        n_same = min(n_pre, rng.binomial(n_post, _LEARNING_SAME_PERSON))
        n_new = n_post - n_same
        pre = persons + np.arange(n_pre)
        same = persons + np.sort(rng.choice(n_pre, n_same, replace=False))
        new = persons + n_pre + np.arange(n_new)
        pre_rows.append(pre)
        post_rows.append(np.concatenate([same, new]))
        person_office += [office] * (n_pre + n_new)
        persons += n_pre + n_new
    person_office = np.array(person_office, dtype=object)

    role = _draw(rng, ("veileder", "jobbveileder", "leder", "annet"), (0.60, 0.12, 0.10, 0.18),
                 persons)
    in_project = np.where(role == "jobbveileder", 1, (rng.random(persons) < 0.3).astype(int))
    tenure_pre = np.clip(rng.gamma(2.0, 4.5, persons), 0, 43)

    who = np.concatenate(pre_rows + post_rows)
    post = np.repeat([False, True], [sum(map(len, pre_rows)), sum(map(len, post_rows))])
    rows = len(who)
    first_day = np.where(post, _day("2016-02-01"), _day("2014-02-01"))
    last_day = np.where(post, _day("2016-04-30"), _day("2014-04-30"))
    columns = {
        "respondent_id": _ids("R", persons, 4)[who],
        "office": person_office[who],
        "round": np.where(post, "post", "pre").astype(object),
        "response_date": _dates(rng.integers(first_day, last_day + 1)),
        "role": role[who],
        "tenure_years": np.round(tenure_pre[who] + 2.0 * post, 1),
        "in_project": in_project[who].astype(np.int64),
    }
    for scale, mean in _LEARNING_SCALES.items():
        person = mean + _LEARNING_SD["person_sd"] * _bounded_z(rng, persons)
        level = (person[who] + PLANTED["learning_change"][scale] * post
                 + _LEARNING_SD["occasion_sd"] * _bounded_z(rng, rows))
        items = _with_missing_codes(
            rng, _likert(rng, level, 4, 1, 5, _LEARNING_SD["item_halfwidth"]))
        for j in range(4):
            columns[f"{scale}_{j + 1}"] = _int_column(items[:, j])
    return pd.DataFrame(columns)


def _employer_survey(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Employers who hosted SE participants, about 0.27 per SE participant (~50 at default),
    answering between 2015-01-01 and 2016-12-31 (their own fieldwork, before the extract)."""
    se_offices = OFFICES.loc[OFFICES["method"] == "se", "office"].to_numpy()
    se_people = people.loc[(people["arm"] == "treatment") & people["office"].isin(se_offices),
                           "office"]
    n = max(5, round(_EMPLOYERS_PER_SE_PARTICIPANT * len(se_people)))
    weights = se_people.value_counts().reindex(se_offices, fill_value=0).to_numpy() + 1.0
    level = rng.normal(3.9, 0.6, n)
    items = _with_missing_codes(rng, _likert(rng, level, 6, 1, 5, 0.55, clip=True))
    columns = {
        "employer_id": _ids("E", n, 4),
        "office": _draw(rng, tuple(se_offices), weights / weights.sum(), n),
        "response_date": _dates(np.sort(rng.integers(_EMPLOYER_SURVEY[0],
                                                     _EMPLOYER_SURVEY[1] + 1, n))),
        "sector": np.where(rng.random(n) < 0.7, "private", "public").astype(object),
        "size": _draw(rng, ("1-9", "10-49", "50-249", "250+"), (0.35, 0.35, 0.20, 0.10), n),
    }
    for j in range(6):
        columns[f"followup_{j + 1}"] = _int_column(items[:, j])
    recommend = rng.random(n) < 1 / (1 + np.exp(-2.0 * (level - 3.0)))
    columns["would_recommend"] = recommend.astype(np.int64)
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


def _allocate(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Office and arm of each of ``n`` participants (in office order, not yet enrolment order).

    KLAR randomised participants get their arm from permuted blocks of five (3 treatment,
    2 internal control) within each office; the tiny office gets ``_TINY_PER_600`` per 600.
    """
    group_sizes = _split(n, [share for share, _ in _GROUPS.values()])
    office, arm = [], []
    for (group, (_, weights)), size in zip(_GROUPS.items(), group_sizes):
        names, w = list(weights), list(weights.values())
        if group == "sortrondelag":
            tiny = min(size, max(1, round(n * _TINY_PER_600 / DEFAULT_PARTICIPANTS)))
            counts = [*_split(size - tiny, w), tiny]
            names.append(_TINY_OFFICE)
        else:
            counts = _split(size, w)
        for name, count in zip(names, counts):
            office.append(np.full(count, name, dtype=object))
            if group == "klar_randomised":
                blocks = -(-count // len(_ALLOCATION_BLOCK))
                arms = rng.permuted(np.tile(np.array(_ALLOCATION_BLOCK, dtype=object),
                                            (blocks, 1)), axis=1).ravel()[:count]
            else:
                arms = np.full(count, "external_control" if group == "external_control"
                               else "treatment", dtype=object)
            arm.append(arms)
    return np.concatenate(office), np.concatenate(arm)


def _withdrawals(rng: np.random.Generator, enrolled: np.ndarray, arm: np.ndarray) -> np.ndarray:
    """Day of withdrawn consent (``-1`` = not withdrawn), after enrolment, up to the register
    extract (:data:`FOLLOWUP`, 2017-06-30).

    About 2.5% withdraw at a uniform day between enrolment and the extract. So that both cases
    occur, at least ``_FORCED_WITHDRAWALS`` withdrawals fall on or before the interim cut-off,
    and at least as many after it among people enrolled before it.
    """
    n = len(enrolled)
    withdrawn = np.full(n, -1, dtype=np.int64)
    chosen = rng.random(n) < _WITHDRAWN_SHARE
    for a in np.unique(arm):  # at least _MIN_WITHDRAWN_PER_ARM in each arm of 50 or more
        rows = np.flatnonzero(arm == a)
        lacking = _MIN_WITHDRAWN_PER_ARM - int(chosen[rows].sum())
        if len(rows) >= 50 and lacking > 0:
            chosen[rng.choice(rows[~chosen[rows]], lacking, replace=False)] = True
    withdrawn[chosen] = rng.integers(enrolled[chosen] + 1, FOLLOWUP + 1)

    early = enrolled < INTERIM_CUTOFF
    for is_before, first, last in ((True, enrolled + 1, INTERIM_CUTOFF),
                                   (False, np.full(n, INTERIM_CUTOFF + 1), FOLLOWUP)):
        has = (withdrawn >= 0) & ((withdrawn <= INTERIM_CUTOFF) == is_before)
        lacking = _FORCED_WITHDRAWALS - int(has.sum())
        candidates = np.flatnonzero((withdrawn < 0) & early)
        if lacking > 0 and len(candidates):
            pick = rng.choice(candidates, min(lacking, len(candidates)), replace=False)
            withdrawn[pick] = rng.integers(first[pick], last + 1)
    return withdrawn


def _first_job_day(rng: np.random.Generator, people: pd.DataFrame,
                   coach_score: np.ndarray) -> np.ndarray:
    """Latent day of the first ordinary job (may lie after follow-up: then censored).

    Exponential time to event with the annual hazard of the participant's group in
    ``PLANTED["job_hazard_per_year"]``; at least one day after enrolment. For an SE participant
    (``coach_score`` not NaN: their coach's standard normal score) the time's normal score
    ``z`` becomes ``√ρ·coach_score + √(1−ρ)·z`` (a Gaussian copula, ρ =
    ``PLANTED["coach"]["job_correlation"]``): still standard normal, so the time stays
    exponential with the same hazard, but correlated within a coach.
    """
    from scipy.special import log_ndtr, ndtri

    hazard = _lookup(PLANTED["job_hazard_per_year"], _planted_group(people))
    years = rng.exponential(1.0 / hazard)
    se = ~np.isnan(coach_score)
    if se.any():
        rho = PLANTED["coach"]["job_correlation"]
        # the time's survival probability exp(-hazard·t) = Φ(-z), on the log scale for precision
        z = -ndtri(np.exp(-years[se] * hazard[se]))
        z = np.sqrt(rho) * coach_score[se] + np.sqrt(1.0 - rho) * z
        years[se] = -log_ndtr(-z) / hazard[se]
    days = np.maximum(1, np.ceil(np.minimum(years, 100.0) * _DAYS_PER_YEAR)).astype(np.int64)
    return _day_numbers(people["enrolled_date"]) + days


def _employment_items(rng: np.random.Generator, has_job: np.ndarray) -> dict[str, object]:
    """Survey ``employment`` (with 8/9/empty missing) and ``hours_per_week`` (if working)."""
    rows = len(has_job)
    employment = np.empty(rows, dtype=object)
    for job in (True, False):
        at = has_job == job
        employment[at] = _draw(rng, _EMPLOYMENT, _EMPLOYMENT_PROBS[job], at.sum())
    hours = np.full(rows, np.nan)
    for code, (mean, sd) in _HOURS.items():
        at = employment == code
        hours[at] = np.clip(np.rint(rng.normal(mean, sd, at.sum())), 1, 75)
    hours[rng.random(rows) < 0.01] = np.nan
    u = rng.random(rows)
    employment[u < _DONT_KNOW + _NOT_ANSWERED + _EMPTY] = None
    employment[u < _DONT_KNOW + _NOT_ANSWERED] = "9"
    employment[u < _DONT_KNOW] = "8"
    hours[u < _DONT_KNOW + _NOT_ANSWERED + _EMPTY] = np.nan
    return {"employment": employment, "hours_per_week": _int_column(hours)}


def _main_coaches(people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Main coach of each participant (``-1`` if not an SE participant), the first coach of
    their office, the number of coaches there, and the number of coaches in all.

    SE participants are the treatment arm at offices whose method is SE. Each SE office has
    ``round(participants / _CASELOAD)`` coaches (at least one); participants are assigned in
    turn in enrolment order (no random draw).
    """
    n = len(people)
    se_offices = OFFICES.loc[OFFICES["method"] == "se", "office"]
    office = people["office"].to_numpy()
    se = ((people["arm"] == "treatment") & people["office"].isin(se_offices)).to_numpy()
    coach = np.full(n, -1, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    total = 0
    for name in OFFICES["office"]:
        at = np.flatnonzero(se & (office == name))
        if len(at) == 0:
            continue
        k = max(1, round(len(at) / _CASELOAD))
        coach[at], first[at], size[at] = total + np.arange(len(at)) % k, total, k
        total += k
    return coach, first, size, total


def _coach_effects(rng: np.random.Generator, coaches: tuple) -> tuple[dict, np.ndarray]:
    """The planted coach effects per participant: the scale intercepts (``0`` if no coach) and
    the coach's standard normal score of the first-job copula (NaN if no coach).

    Both have mean exactly zero over the coaches, so that the coaches as a whole do not shift
    the planted means and shares of a sample (only unequal caseloads and response do, a
    little); each coach's effect still has mean zero over samples:

    - the scale intercepts: the ``k`` coaches get the values ``√3·((2i+1)/k − 1)``,
      ``i = 0..k−1`` (evenly spaced on ±√3: SD √(1 − 1/k²) ≈ 1, bounded) in a random order,
      scaled by each scale's ``PLANTED["coach"]["scale_sd"]`` (a good coach helps on every
      scale);
    - the first-job scores: ``k`` standard normal draws minus their mean, times ``√(k/(k−1))``:
      each still exactly standard normal, so each participant's time stays exponential with
      the arm's hazard (:func:`_first_job_day`).
    """
    coach, _, _, total = coaches
    has = coach >= 0
    shape = rng.permutation(np.sqrt(3.0) * ((2 * np.arange(total) + 1) / max(total, 1) - 1))
    score = rng.standard_normal(total)
    if total >= 2:
        score = (score - score.mean()) * np.sqrt(total / (total - 1))
    scales = {scale: np.where(has, sd * shape[np.maximum(coach, 0)], 0.0) if total
              else np.zeros(len(coach))
              for scale, sd in PLANTED["coach"]["scale_sd"].items()}
    job = np.where(has, score[np.maximum(coach, 0)], np.nan) if total \
        else np.full(len(coach), np.nan)
    return scales, job


def _coaches(rng: np.random.Generator, main: tuple[np.ndarray, np.ndarray, np.ndarray],
             total: int, owner: np.ndarray) -> np.ndarray:
    """Coach id of each log row: the owner's main coach (``main``: coach, first coach of the
    office and coaches there per log participant, from :func:`_main_coaches`), except that
    ``_SUBSTITUTE_COACH`` of contacts are made by a colleague at the same office.
    """
    coach, first, size = main
    row_coach = coach[owner]
    substitute = np.flatnonzero(rng.random(len(owner)) < _SUBSTITUTE_COACH)
    by = owner[substitute]
    row_coach[substitute] = first[by] + rng.integers(0, size[by])
    return _ids("C", max(total, 1), 4)[row_coach]


def _likert(rng: np.random.Generator, level: np.ndarray, items: int, low: int, high: int,
            halfwidth: float, clip: bool = False) -> np.ndarray:
    """Integer items from one latent level per row: level + uniform item noise (±halfwidth),
    then rounded stochastically, so that the expected item equals the level exactly.

    With ``clip=False`` (planted scales) a value outside ``low``–``high`` is a bug in the
    parameters and raises; with ``clip=True`` (unplanted items) it is clipped.
    """
    x = level[:, None] + rng.uniform(-halfwidth, halfwidth, (len(level), items))
    if clip:
        x = np.clip(x, low, high)
    elif x.size and (x.min() < low or x.max() > high):
        raise RuntimeError("demo scale parameters let items leave the scale: the planted "
                           "changes would be biased by clipping")
    floor = np.floor(x)
    return (floor + (rng.random(x.shape) < x - floor)).astype(float)


def _bounded_z(rng: np.random.Generator, size: int) -> np.ndarray:
    """Standard normal draws cut at ±_Z_BOUND (symmetric, so the mean stays 0)."""
    return np.clip(rng.standard_normal(size), -_Z_BOUND, _Z_BOUND)


def _with_missing_codes(rng: np.random.Generator, items: np.ndarray) -> np.ndarray:
    """Replace cells by 8 ("vet ikke"), 9 ("ikke svart") or NaN (empty) at the contract rates."""
    u = rng.random(items.shape)
    out = items.copy()
    out[u < _DONT_KNOW + _NOT_ANSWERED + _EMPTY] = np.nan
    out[u < _DONT_KNOW + _NOT_ANSWERED] = 9
    out[u < _DONT_KNOW] = 8
    return out


def _draw(rng: np.random.Generator, values: tuple, probs, size: int) -> np.ndarray:
    """``size`` draws from ``values`` with probabilities ``probs`` (object array)."""
    return np.array(values, dtype=object)[_draw_by(rng, [probs], np.zeros(size, dtype=int))]


def _draw_by(rng: np.random.Generator, probs, row: np.ndarray) -> np.ndarray:
    """One category index per element of ``row``, drawn from the probabilities ``probs[row]``."""
    cumulative = np.cumsum(np.asarray(probs, dtype=float), axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(row))
    out = np.zeros(len(row), dtype=np.int64)
    for r in range(len(cumulative)):
        at = row == r
        out[at] = np.searchsorted(cumulative[r], u[at], side="right")
    return np.minimum(out, cumulative.shape[1] - 1)


def _split(total: int, weights) -> list[int]:
    """Integer counts proportional to ``weights`` summing to ``total`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(int)
    remainder_order = np.argsort(-(exact - counts), kind="stable")
    counts[remainder_order[: total - counts.sum()]] += 1
    return counts.tolist()


def _planted_group(people: pd.DataFrame) -> np.ndarray:
    """Key into PLANTED per participant: the KLAR arm, or ``other_projects``."""
    klar = _office_attribute("project", people["office"].to_numpy()) == "klar"
    return np.where(klar, people["arm"].to_numpy(), "other_projects")


def _office_attribute(column: str, office: np.ndarray) -> np.ndarray:
    """Look up a column of :data:`OFFICES` for each office code."""
    return OFFICES.set_index("office")[column].reindex(office).to_numpy()


def _lookup(mapping: dict, keys: np.ndarray) -> np.ndarray:
    """Vectorised ``mapping[key]`` (float values)."""
    out = np.full(len(keys), np.nan)
    for key, value in mapping.items():
        out[keys == key] = value
    return out


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Ids ``<prefix>-000001`` .. numbered from 1, at least ``width`` digits (object array)."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _dates(days: np.ndarray, present: np.ndarray | None = None) -> pd.Series:
    """Datetime values from day numbers; ``NaT`` where ``present`` is False or days < 0."""
    days = np.asarray(days, dtype=np.int64)
    if present is None:
        present = days >= 0
    values = np.where(present, days, 0).astype("datetime64[D]").astype("datetime64[s]")
    values[~present] = np.datetime64("NaT")
    return pd.Series(values)


def _day_numbers(dates: pd.Series, missing: int = -1) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of a datetime Series; ``missing`` for ``NaT``."""
    days = dates.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(dates.isna().to_numpy(), missing, days)


def _int_column(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable integer column (``Int64``) from floats with NaN for empty cells."""
    return pd.array(values, dtype="Int64")


def _check_int(name: str, value, minimum: int) -> int:
    """Check that ``value`` is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)
