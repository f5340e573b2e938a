"""The computation of chapter 'kor' (pure: nothing here draws, writes or changes its inputs).
:func:`compute` returns a frozen :class:`Kor` whose ``values`` are every results.json value of
the chapter; what is withheld is decided by the suppression policy
(:class:`pku_eval.disclosure.Policy`), never here.

Who (REPORT_SPEC.md "KOR participants"): ``treatment`` participants at offices whose
``method`` is ``kor``, withdrawn excluded, with their ``session_feedback`` rows dated ≤ the
cut-off. ORS and SRS are the sums of their four items when all four are filled in, rounded to
one decimal (``tidy.session_totals``). A participant's first and last ORS are those of the
lowest and highest ``session_no`` with a complete ORS; participants with a complete ORS in at
least two sessions are the ones *with change* (last − first).

Headline keys: ``kor.ors_change`` (mean of last − first, one-sample t), the shares with a
reliable improvement (≥ 5) or deterioration (≤ −5), the share with a clinically significant
improvement among those who started below 25 (last ≥ 25 and a reliable improvement), and the
share of sessions with an SRS below 36 (Miller, Duncan et al. 2003; Duncan et al. 2003).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ... import stats
from ...codebook import ORS_CUTOFF, ORS_RELIABLE_CHANGE, SRS_CUTOFF
from ...disclosure import Policy
from ...params import Params
from ...results import KOR_KEYS
from ...stats.change import one_sample_t, percentile_bands, reliable_change
from ...values import SUPPRESSED, Value, frozen_values

#: An SRS below the cut-off in one of a participant's first sessions is an "early low SRS".
EARLY_SESSIONS = 3
#: Percentile bands (10th-90th and 25th-75th) are drawn for a session number only when at
#: least this many participants have an ORS there: with fewer, the outer percentiles are
#: little more than the individual values.
BAND_MIN_N = 10
BAND_Q = (0.10, 0.25, 0.50, 0.75, 0.90)
#: Reasons of a null (results.json ``null_reasons``).
NO_FILE = "no session_feedback file"
NO_OFFICE = "no office of this report uses KOR (method kor)"
NO_SESSIONS = "no KOR session forms dated by the cut-off"
TOO_FEW_CHANGE = "fewer than 2 KOR participants with a complete ORS in two sessions"
NONE_BELOW = "no KOR participant with change started below the ORS cut-off 25"
NO_SRS = "no KOR session with a complete SRS by the cut-off"

KEYS = KOR_KEYS  # the required keys, under kor.
EXTRA = ("participants", "with_change", "sessions", "ors_first_mean", "ors_last_mean",
         "early_low_srs.difference", "sessions_per_participant.median")


def _frame() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True)
class Kor:
    """Everything the chapter shows and records (see :func:`compute`)."""

    status: str                       # ok | no_file | no_office | no_sessions
    values: Mapping[str, Value]
    n_participants: int = 0           # KOR participants in the report (not withdrawn)
    n_with_sessions: int = 0
    n_sessions: int = 0
    n_change: int = 0
    cutoff: pd.Timestamp | None = None
    distribution: pd.DataFrame = field(default_factory=_frame)  # bin, n, hidden
    spacing: Mapping | None = None    # median, p25, p75 days between sessions, n (people)
    by_session: pd.DataFrame = field(default_factory=_frame)    # session_no, n, mean, …
    change: Mapping | None = None     # one-sample t of last − first
    classes: pd.DataFrame = field(default_factory=_frame)       # class, events, n, share, …
    first_last: pd.DataFrame = field(default_factory=_frame)    # which (first/last), n, mean, …
    early: pd.DataFrame = field(default_factory=_frame)         # group, n, mean, ci, base
    early_difference: Mapping | None = None


def _share(events: int, n: int, policy: Policy, empty: str) -> Value:
    """A share of people: withheld when the group, those counted or those not counted are too
    few (a share and its base give both counts)."""
    if n == 0:
        return Value.null(empty)
    if policy.too_few(n) or policy.hides(events) or policy.hides(n - events):
        return Value.null(SUPPRESSED, n=int(n))
    return Value(events / n, n=int(n))


def kor_participants(stage) -> pd.DataFrame:
    """The KOR participants of the stage (treatment arm, offices with method kor, not
    withdrawn)."""
    p = stage.analysed
    return p[(p["arm"] == "treatment") & (p["method"] == "kor")]


def first_last(sessions: pd.DataFrame) -> pd.DataFrame:
    """Per participant with a complete ORS: sessions with one, first and last ORS (lowest and
    highest ``session_no``), ``change`` (NaN with only one)."""
    d = sessions.dropna(subset=["ors"]).sort_values(["participant_id", "session_no"])
    g = d.groupby("participant_id", sort=True)
    out = pd.DataFrame({"n_ors": g.size(), "first": g["ors"].first(), "last": g["ors"].last()})
    out["change"] = (out["last"] - out["first"]).where(out["n_ors"] >= 2).round(1)
    return out.reset_index()


def session_bands(sessions: pd.DataFrame, policy: Policy) -> list[tuple[int, int]]:
    """Bands of session numbers (first, last) for the tables by session number: a band closes
    when the participants whose last session falls in it are none or at least ``min_cell``
    (a remainder of fewer joins the band before it). The count of participants at each band
    minus the count at the next is then never a withheld count: the number of sessions a few
    people had cannot be worked out from the published rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from pku_eval.disclosure import Policy
    >>> s = pd.DataFrame({"participant_id": list("aabbbcccc"), "session_no": [1, 2, 1, 2, 3,
    ...                   1, 2, 3, 4]})
    >>> session_bands(s, Policy(2))
    [(1, 1), (2, 4)]
    """
    last = sessions.groupby("participant_id")["session_no"].max().astype(int)
    enders = last.value_counts()
    bands: list[tuple[int, int]] = []
    first, acc = 1, 0
    for k in range(1, int(last.max()) + 1 if len(last) else 1):
        acc += int(enders.get(k, 0))
        if acc == 0 or policy.enough(acc):
            bands.append((first, k))
            first, acc = k + 1, 0
    if acc:  # a remainder of a few: into the band before it
        bands[-1:] = [(bands[-1][0] if bands else 1, int(last.max()))]
    return bands


def _band_label(band: tuple[int, int]) -> str:
    return str(band[0]) if band[0] == band[1] else f"{band[0]}–{band[1]}"


def _distribution(sessions: pd.DataFrame, bands: list[tuple[int, int]],
                  policy: Policy) -> pd.DataFrame:
    """Participants by the band of their last session number (their number of sessions)."""
    last = sessions.groupby("participant_id")["session_no"].max()
    rows = [{"bin": _band_label(b), "n": int(last.between(*b).sum())} for b in bands]
    out = pd.DataFrame(rows, columns=["bin", "n"])
    out["hidden"] = policy.line_mask(out["n"]).to_numpy()
    return out


def _spacing(sessions: pd.DataFrame) -> dict:
    d = sessions.sort_values(["participant_id", "session_no"])
    gap = d.groupby("participant_id")["session_date"].diff().dt.days.dropna()
    people = int(d.groupby("participant_id").size().gt(1).sum())
    if gap.empty:
        return {"n": people, "median": np.nan, "p25": np.nan, "p75": np.nan, "gaps": 0}
    q = percentile_bands(gap.to_frame("days"), "days", q=(0.25, 0.5, 0.75)).iloc[0]
    return {"n": people, "median": float(q["p50"]), "p25": float(q["p25"]),
            "p75": float(q["p75"]), "gaps": len(gap)}


def _by_session(sessions: pd.DataFrame, bands: list[tuple[int, int]],
                policy: Policy) -> pd.DataFrame:
    """Per band of session numbers (:func:`session_bands`): ORS mean with CI and percentile
    bands, SRS below 36 (people with a session in the band, sessions with a complete SRS,
    those below). A band of several numbers pools their sessions (several per person)."""
    d = sessions.copy()
    starts = np.array([b[0] for b in bands])
    d["row"] = starts[np.searchsorted(starts, d["session_no"].astype(int), side="right") - 1]
    m = stats.mean_ci(d, "ors", by="row").set_index("row")
    pct = percentile_bands(d, "ors", by="row", q=BAND_Q).set_index("row")
    srs = d.dropna(subset=["srs"]).assign(low=lambda x: x["srs"] < SRS_CUTOFF)
    srs_n = srs.groupby("row").size()
    srs_low = srs.groupby("row")["low"].sum()
    people = d.groupby("row")["participant_id"].nunique()
    rows = []
    for band in bands:
        r = band[0]
        row = {"session_no": r, "label": _band_label(band), "pooled": band[0] != band[1],
               "people": int(people.get(r, 0)), "n": int(m["n"].get(r, 0)),
               "mean": m["mean"].get(r, np.nan), "ci_low": m["ci_low"].get(r, np.nan),
               "ci_high": m["ci_high"].get(r, np.nan),
               "srs_sessions": int(srs_n.get(r, 0)), "srs_low": int(srs_low.get(r, 0))}
        for name in pct.columns.drop("n"):
            row[name] = pct[name].get(r, np.nan) if row["people"] >= BAND_MIN_N else np.nan
        row["srs_share"] = (row["srs_low"] / row["srs_sessions"] if row["srs_sessions"]
                            else np.nan)
        rows.append(row)
    out = pd.DataFrame(rows)
    # the people at a row are the base of everything in it
    out["hidden"] = policy.count_mask(out["people"]).to_numpy()
    return out


def _early(fl: pd.DataFrame, sessions: pd.DataFrame, policy: Policy
           ) -> tuple[pd.DataFrame, dict | None, str | None]:
    """Mean ORS change of participants with and without an SRS below 36 in one of their first
    sessions (descriptive), and the difference (Welch: without − with)."""
    early = sessions[(sessions["session_no"] <= EARLY_SESSIONS) & sessions["srs"].notna()]
    low_ids = set(early.loc[early["srs"] < SRS_CUTOFF, "participant_id"])
    d = fl.dropna(subset=["change"]).assign(
        group=lambda x: np.where(x["participant_id"].isin(low_ids), "early_low", "no_early_low"))
    m = stats.mean_ci(d, "change", by="group")
    m = (m.set_index("group").reindex(["no_early_low", "early_low"]).reset_index())
    m["n"] = pd.to_numeric(m["n"]).fillna(0).astype(int)
    m["hidden"] = policy.line_mask(m["n"]).to_numpy()
    sizes = m["n"].tolist()
    if min(sizes) < 2:
        return m, None, "fewer than 2 participants with change in a group"
    if (withheld := policy.guard(sizes)) is not None:
        return m, None, withheld
    try:
        res = stats.welch_difference(d, "change", "group", first="early_low",
                                     second="no_early_low").iloc[0]
    except stats.EstimationError as exc:
        return m, None, f"cannot be computed: {stats.REASONS[exc.reason]}"
    return m, {k: float(res[k]) for k in ("estimate", "ci_low", "ci_high", "p_value")}, None


def compute(stage, params: Params) -> Kor:
    """Every number of the chapter, from the prepared data of a stage.

    Parameters
    ----------
    stage : pku_eval.tidy.StageData
        Data of the report stage (``session_feedback`` with the totals ``ors``/``srs``).
    params : pku_eval.params.Params
        The stage's params (``min_cell`` sets the suppression policy).

    Returns
    -------
    Kor
        frozen; ``values`` maps every results.json path this chapter fills to a
        :class:`~pku_eval.values.Value` (nulls with their reason).
    """
    policy = Policy(params.min_cell)
    cutoff = stage.cutoff

    def stop(status: str, reason: str, n: int = 0) -> Kor:
        values = {f"kor.{k}": Value.null(reason) for k in (*KEYS, *EXTRA)}
        values["kor.participants"] = policy.count(n) if status != "no_office" else \
            Value.null(reason)
        return Kor(status, frozen_values(values), n_participants=n, cutoff=cutoff)

    people = kor_participants(stage)
    if not stage.has("session_feedback"):
        return stop("no_file", NO_FILE, len(people))
    if people.empty and not (stage.participants["method"] == "kor").any() and \
            not (stage.offices["method"] == "kor").any():
        return stop("no_office", NO_OFFICE)
    sf = stage.table("session_feedback")
    sessions = sf[sf["participant_id"].isin(people["participant_id"])]
    if sessions.empty:
        return stop("no_sessions", NO_SESSIONS, len(people))

    values: dict[str, Value] = {}
    n_with = int(sessions["participant_id"].nunique())
    values["kor.participants"] = policy.count(len(people))
    values["kor.sessions"] = (policy.count(len(sessions)) if policy.enough(n_with)
                              else Value.null(SUPPRESSED, n=n_with))
    per = sessions.groupby("participant_id").size()
    values["kor.sessions_per_participant.median"] = policy.stat(float(per.median()), n_with)

    fl = first_last(sessions)
    with_change = fl.dropna(subset=["change"])
    n_change = len(with_change)
    values["kor.with_change"] = policy.count(n_change)
    fl_means = []
    for which in ("first", "last"):
        mm = stats.mean_ci(with_change, which) if n_change else pd.DataFrame(
            [{"n": 0, "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan}])
        r = mm.iloc[0]
        fl_means.append({"which": which, "n": int(r["n"]), "mean": r["mean"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
        values[f"kor.ors_{which}_mean"] = policy.stat(r["mean"], n_change, TOO_FEW_CHANGE)
    change = None
    classes = pd.DataFrame()
    if n_change < 2:
        for k in ("ors_change", "reliable_improvement", "reliable_deterioration",
                  "clinically_significant_improvement"):
            values[f"kor.{k}"] = Value.null(TOO_FEW_CHANGE)
    else:
        withheld = policy.guard([n_change])
        try:
            change = one_sample_t(with_change, "change").iloc[0].to_dict()
            est = {k: float(change[k]) for k in ("estimate", "ci_low", "ci_high", "p_value")}
            values["kor.ors_change"] = (Value.null(withheld, n=n_change) if withheld
                                        else Value(est, n=n_change))
        except stats.EstimationError as exc:
            values["kor.ors_change"] = Value.null(
                f"cannot be computed: {stats.REASONS[exc.reason]}", n=n_change)
        classes = reliable_change(with_change, "first", "last", ORS_RELIABLE_CHANGE, ORS_CUTOFF)
        c = classes.set_index("class")
        for key, cls, empty in (
                ("reliable_improvement", "reliable_improvement", TOO_FEW_CHANGE),
                ("reliable_deterioration", "reliable_deterioration", TOO_FEW_CHANGE),
                ("clinically_significant_improvement", "clinically_significant", NONE_BELOW)):
            values[f"kor.{key}"] = _share(int(c.loc[cls, "events"]), int(c.loc[cls, "n"]),
                                          policy, empty)
        classes["hidden"] = [policy.too_few(n) or policy.hides(e) or policy.hides(n - e)
                             for e, n in zip(classes["events"], classes["n"], strict=True)]

    srs = sessions.dropna(subset=["srs"])
    if srs.empty:
        values["kor.srs_below_cutoff"] = Value.null(NO_SRS)
    else:
        low_people = srs.loc[srs["srs"] < SRS_CUTOFF, "participant_id"].nunique()
        srs_people = srs["participant_id"].nunique()
        if (policy.too_few(srs_people) or policy.hides(low_people)
                or policy.hides(srs_people - low_people)):
            values["kor.srs_below_cutoff"] = Value.null(SUPPRESSED, n=int(srs_people))
        else:
            values["kor.srs_below_cutoff"] = Value(float((srs["srs"] < SRS_CUTOFF).mean()),
                                                   n=int(srs_people))

    early, diff, reason = _early(fl, sessions, policy) if n_change else (pd.DataFrame(), None,
                                                                         TOO_FEW_CHANGE)
    values["kor.early_low_srs.difference"] = Value(diff, reason=reason if diff is None
                                                   else None)
    bands = session_bands(sessions, policy)
    return Kor(
        status="ok", values=frozen_values(values), n_participants=len(people),
        n_with_sessions=n_with, n_sessions=len(sessions), n_change=n_change, cutoff=cutoff,
        distribution=_distribution(sessions, bands, policy),
        spacing=MappingProxyType(_spacing(sessions)), by_session=_by_session(sessions, bands, policy),
        change=MappingProxyType(change) if change else None, classes=classes,
        first_last=pd.DataFrame(fl_means), early=early,
        early_difference=MappingProxyType(diff) if diff else None)
