"""Synthetic demo data of the two instruments of contract version 2: the KOR session forms of
Ung@jobb (``session_feedback``) and the evaluator's actor survey (``actor_survey``).

Called from :func:`pku_eval.demo.generate`, each table with its own random stream, so that the
other tables stay byte-identical. The planted effects are in :data:`PLANTED_KOR` and
:data:`PLANTED_ACTORS` (merged into ``demo.PLANTED`` as ``kor`` and ``actors``).

Examples
--------
>>> from pku_eval.demo import generate
>>> t = generate(participants=200, seed=1)
>>> list(t["session_feedback"].columns)[:3]
['participant_id', 'session_date', 'session_no']
>>> sorted(set(t["actor_survey"]["round"]))
['first', 'second']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import ACTOR_PARTIES, ACTOR_SCALES, ORS_ITEMS, SCALES, SRS_ITEMS

#: KOR (Ung@jobb, offices whose method is ``kor``, treatment arm). ORS at a participant's first
#: session ~ N(first_mean, first_sd) (mostly below the clinical cut-off 25); the ORS rises
#: linearly to first + gain at the last session, gain ~ N(change, change_sd), where ``change``
#: is lower for participants with an alliance concern (an SRS below 36 is then likely in their
#: first sessions); session noise sd ``session_sd``. 1-15 sessions each (1 + Binomial(14, p)).
#: The first and the last form of a participant always have a complete ORS (other forms lack
#: an item now and then), so the mean of last − first estimates ``ors_change_mean``. An early
#: low SRS is a diluted marker of a concern (it happens by chance to others too), so the
#: observed difference in change between those with and without one is smaller than the
#: planted 3 points, but positive.
PLANTED_KOR: dict = {
    "ors_first_mean": 19.0,
    "ors_first_sd": 5.0,
    "ors_change": {"no_concern": 6.0, "early_concern": 3.0},
    "ors_change_sd": 3.0,
    "ors_session_sd": 1.5,
    "concern_share": 0.20,                      # participants with an early alliance concern
    "srs_low_probability": {"early_concern": 0.60, "otherwise": 0.08},
    "early_sessions": 3,                        # "early" = the first three sessions
    "sessions": {"min": 1, "max": 15, "binomial_p": 0.40},
    "days_between_sessions": (7, 28),
}
# The expected mean change over everyone with change (concern share 0.2): 0.8·6 + 0.2·3.
PLANTED_KOR["ors_change_mean"] = (
    (1 - PLANTED_KOR["concern_share"]) * PLANTED_KOR["ors_change"]["no_concern"]
    + PLANTED_KOR["concern_share"] * PLANTED_KOR["ors_change"]["early_concern"])

#: The actor survey: invited actors per project and party (at the default 600 participants;
#: scaled up with ``participants``), response per round, the share of first-round
#: respondents who answer the second round too, project levels of the three scales (the
#: evaluator's comparison across projects) and the change from the first to the second round.
PLANTED_ACTORS: dict = {
    "invited": {
        "klar": {"praksis": 40, "bruker": 8, "forskning": 6, "utdanning": 7, "annet": 5},
        "ungjobb": {"praksis": 18, "bruker": 5, "forskning": 3, "utdanning": 4, "annet": 3},
        "sortrondelag": {"praksis": 22, "bruker": 6, "forskning": 4, "utdanning": 5, "annet": 3},
    },
    "response": 0.75,
    "linked_share": 0.60,
    "level": {  # first-round mean of the scale (items 1-5) per project
        "collaboration": {"klar": 3.50, "ungjobb": 3.20, "sortrondelag": 3.80},
        "learning": {"klar": 3.10, "ungjobb": 2.90, "sortrondelag": 3.40},
        "organisation": {"klar": 3.40, "ungjobb": 3.00, "sortrondelag": 3.50},
    },
    "change": {"collaboration": 0.30, "learning": 0.40, "organisation": 0.10},
    "party_shift": {"bruker": -0.30, "forskning": 0.20},  # on every scale, both rounds
}

_FIRST_ROUND = ("2016-04-01", "2016-05-31")
_SECOND_ROUND = ("2017-04-01", "2017-05-31")
_ACTOR_SD = {"person_sd": 0.35, "occasion_sd": 0.20, "item_halfwidth": 0.30}


def session_feedback(rng: np.random.Generator, people: pd.DataFrame,
                     offices: pd.DataFrame) -> pd.DataFrame:
    """KOR forms: one row per session of each treatment participant at a ``kor`` office, from
    enrolment on, never after a withdrawal."""
    from .demo import _dates, _day_numbers

    p = PLANTED_KOR
    kor = set(offices.loc[offices["method"] == "kor", "office"])
    sub = people[people["office"].isin(kor) & (people["arm"] == "treatment")]
    n = len(sub)
    k = 1 + rng.binomial(p["sessions"]["max"] - 1, p["sessions"]["binomial_p"], n)
    concern = rng.random(n) < p["concern_share"]
    first = np.clip(rng.normal(p["ors_first_mean"], p["ors_first_sd"], n), 2.0, 36.0)
    gain = np.where(concern, p["ors_change"]["early_concern"], p["ors_change"]["no_concern"])
    gain = gain + p["ors_change_sd"] * rng.standard_normal(n)
    owner = np.repeat(np.arange(n), k)
    session_no = np.concatenate([np.arange(1, m + 1) for m in k]) if n else np.zeros(0, int)
    rows = len(owner)
    lo, hi = p["days_between_sessions"]
    gap = rng.integers(lo, hi + 1, rows)
    gap[session_no == 1] = rng.integers(0, 22, int((session_no == 1).sum()))
    start = np.concatenate([[0], np.cumsum(k)[:-1]]) if n else np.zeros(0, int)
    cum = np.cumsum(gap)
    day = _day_numbers(sub["enrolled_date"])[owner] + cum - (cum[start] - gap[start])[owner]
    progress = np.where(k[owner] > 1, (session_no - 1) / np.maximum(k[owner] - 1, 1), 0.0)
    ors = first[owner] + gain[owner] * progress + p["ors_session_sd"] * rng.standard_normal(rows)
    early = session_no <= p["early_sessions"]
    low_p = np.where(concern[owner] & early, p["srs_low_probability"]["early_concern"],
                     p["srs_low_probability"]["otherwise"])
    low = rng.random(rows) < low_p
    srs = np.where(low, rng.uniform(22.0, 35.4, rows), rng.uniform(36.6, 40.0, rows))
    columns = {
        "participant_id": sub["participant_id"].to_numpy()[owner],
        "session_date": _dates(day),
        "session_no": session_no.astype(np.int64),
    }
    ends = (session_no == 1) | (session_no == k[owner])  # complete ORS, so the change holds
    columns.update(_split_total(rng, ors, ORS_ITEMS, noise=0.8, complete=ends))
    columns.update(_split_total(rng, srs, SRS_ITEMS, noise=0.15))
    out = pd.DataFrame(columns)
    withdrawn = _day_numbers(sub["withdrawn_date"], missing=1 << 40)[owner]
    return out[day <= withdrawn].reset_index(drop=True)


def _split_total(rng: np.random.Generator, total: np.ndarray, items: tuple[str, ...],
                 noise: float, complete: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Four 0-10 marks (one decimal) whose sum is close to ``total``; a few empty (a form
    not filled in completely), except in the rows of ``complete``."""
    x = total[:, None] / len(items) + noise * rng.standard_normal((len(total), len(items)))
    x -= (x.sum(axis=1) - total)[:, None] / len(items)   # keep the sum
    x = np.round(np.clip(x, 0.0, 10.0), 1)
    empty = rng.random(x.shape) < 0.01
    if complete is not None:
        empty[complete] = False
    x[empty] = np.nan
    return {name: x[:, j] for j, name in enumerate(items)}


def actor_survey(rng: np.random.Generator, participants: int) -> pd.DataFrame:
    """Two rounds (spring 2016 and 2017) to the actors of the four-party collaboration of the
    three projects; some respondents answer both rounds (same ``respondent_id``)."""
    from .demo import _bounded_z, _dates, _day, _ids, _int_column, _likert, _with_missing_codes

    p = PLANTED_ACTORS
    scale_up = max(1.0, participants / 600)
    project, party, in_first, in_second = [], [], [], []
    for proj, parties in p["invited"].items():
        for par in ACTOR_PARTIES:
            m = round(parties[par] * scale_up)
            first = rng.random(m) < p["response"]
            again = np.where(first, rng.random(m) < p["linked_share"],
                             rng.random(m) < p["response"] * 0.5)
            newcomers = rng.binomial(m, 0.25)
            project += [proj] * (m + newcomers)
            party += [par] * (m + newcomers)
            in_first.append(first)
            in_second.append(again)
            in_first.append(np.zeros(newcomers, bool))
            in_second.append(rng.random(newcomers) < p["response"])
    project = np.array(project, dtype=object)
    party = np.array(party, dtype=object)
    in_first, in_second = np.concatenate(in_first), np.concatenate(in_second)
    persons = len(project)
    who = np.concatenate([np.flatnonzero(in_first), np.flatnonzero(in_second)])
    second = np.repeat([False, True], [int(in_first.sum()), int(in_second.sum())])
    rows = len(who)
    lo = np.where(second, _day(_SECOND_ROUND[0]), _day(_FIRST_ROUND[0]))
    hi = np.where(second, _day(_SECOND_ROUND[1]), _day(_FIRST_ROUND[1]))
    columns = {
        "respondent_id": _ids("A", persons, 4)[who],
        "round": np.where(second, "second", "first").astype(object),
        "response_date": _dates(rng.integers(lo, hi + 1)),
        "project": project[who],
        "party": party[who],
    }
    shift = np.array([p["party_shift"].get(x, 0.0) for x in party])
    overall = np.zeros(rows)
    for scale in ACTOR_SCALES:
        base = np.array([p["level"][scale][x] for x in project])
        person = base + shift + _ACTOR_SD["person_sd"] * _bounded_z(rng, persons)
        level = (person[who] + p["change"][scale] * second
                 + _ACTOR_SD["occasion_sd"] * _bounded_z(rng, rows))
        overall += level / len(ACTOR_SCALES)
        n_items = len(SCALES[scale].items)
        items = _with_missing_codes(rng, _likert(rng, level, n_items, 1, 5,
                                                 _ACTOR_SD["item_halfwidth"], clip=True))
        for j in range(n_items):
            columns[f"{scale}_{j + 1}"] = _int_column(items[:, j])
    columns["overall"] = _int_column(_with_missing_codes(
        rng, _likert(rng, overall, 1, 1, 5, 0.4, clip=True))[:, 0])
    out = pd.DataFrame(columns)
    return out.sort_values(["round", "response_date"], kind="stable").reset_index(drop=True)
