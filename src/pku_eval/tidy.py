"""From validated text cells to typed, tidy tables, and from those to the data of one report
stage (cut-off date, withdrawn consent, optional filter).

The one-way data flow: ``validate_dir`` (raw files) → :func:`load` (typed tables) →
:func:`prepare` (what a report may use) → chapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import FILES, SCALES, WAVE_OFFSET_DAYS, Scale
from .errors import DataValidationError, Problem
from .validate import validate_dir


@dataclass
class Dataset:
    """Typed input tables of one data directory, as read (nothing cut yet)."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    sha256: dict[str, str]          # file name (e.g. "survey.csv") -> sha256 of its bytes
    rows: dict[str, int]            # file name -> data rows
    problems: list[Problem] = field(default_factory=list)  # warnings and notices
    reading: dict = field(default_factory=dict)  # contract name -> how its file was read

    def has(self, name: str) -> bool:
        return name in self.tables


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validated text cells → typed columns: dates datetime64, numbers float64 (NaN for
    empty), ids, codes and text as Arrow-backed strings (<NA> for empty)."""
    from .validate import parse_numbers

    spec = FILES[name]
    out = {}
    for var in spec.variables:
        s = frame[var.name].astype("string[pyarrow]")
        if var.kind == "date":
            out[var.name] = pd.to_datetime(s.where(s != "", None), format="%Y-%m-%d")
        elif var.kind in ("int", "number", "binary", "item"):
            _, values = parse_numbers(s, integer=var.kind != "number")
            out[var.name] = values
        else:
            out[var.name] = s.where(s != "", pd.NA)
    return pd.DataFrame(out, index=frame.index)


def load(data_dir: Path, validated: tuple | None = None) -> Dataset:
    """Read, validate and type every file in ``data_dir`` (``validated``: what
    :func:`pku_eval.validate.validate_dir` gave for it already).

    Raises :class:`DataValidationError` listing every problem when the data are not usable.
    """
    files, problems = validated or validate_dir(Path(data_dir))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataValidationError(problems)
    tables = {name: _typed(name, raw.frame) for name, raw in files.items()}
    return Dataset(
        data_dir=Path(data_dir),
        tables=tables,
        sha256={raw.filename: raw.sha256 for raw in files.values()},
        rows={raw.filename: len(raw.frame) for raw in files.values()},
        problems=[p for p in problems if p.severity != "error"],
        reading={name: raw.reading for name, raw in files.items() if raw.reading},
    )


# ---------------------------------------------------------------- scales and missing codes

def clean_items(frame: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Return a copy in which the missing codes 8 ("don't know") and 9 ("not answered")
    of the listed items are NaN."""
    out = frame.copy()
    for col in items:
        if col in out:
            out[col] = out[col].where(~out[col].isin((8, 9)))
    return out


def scale_score(frame: pd.DataFrame, scale: Scale) -> pd.Series:
    """Scale score per DATA_CONTRACT.md: mean of the items, reversed items as
    (low + high) − x, when at least ``scale.min_items`` are answered; else NaN.

    Expects items already cleaned of missing codes (:func:`clean_items`).

    Examples
    --------
    >>> import pandas as pd
    >>> from pku_eval.codebook import SCALES
    >>> df = pd.DataFrame({f"participation_{i}": [4, 4, None] for i in range(1, 5)})
    >>> scale_score(df, SCALES["participation"]).tolist()
    [4.0, 4.0, nan]
    """
    items = frame[list(scale.items)].astype(float)
    for col in scale.reversed_items:
        items[col] = (scale.low + scale.high) - items[col]
    answered = items.notna().sum(axis=1)
    score = items.mean(axis=1)
    return score.where(answered >= scale.min_items)


def reversed_items(frame: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """The scale's items with reversed items turned, (low + high) − x."""
    items = frame[list(scale.items)].astype(float)
    for col in scale.reversed_items:
        items[col] = (scale.low + scale.high) - items[col]
    return items


def _item_columns(name: str) -> list[str]:
    spec = FILES[name]
    return [v.name for v in spec.variables if v.missing_codes]


# ---------------------------------------------------------------- one report stage

#: Files every chapter depends on: the offices, the participants and the register outcomes
#: (the participants table carries each person's follow-up end, taken from outcomes).
ALWAYS_READ = frozenset({"offices", "participants", "outcomes"})


@dataclass
class StageData:
    """The data one report stage may use.

    ``participants`` holds everyone enrolled by the cut-off, with the columns of their office
    (``project``, ``role``, ``method``) and ``withdrawn`` (bool); every other table has the
    withdrawn participants' rows removed and rows dated after the cut-off dropped.
    ``survey_raw`` keeps the missing codes 8/9 for the data-quality counts; ``survey`` has them
    as NaN and carries the scale scores.
    """

    cutoff: pd.Timestamp
    offices: pd.DataFrame
    participants: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]   # a dict, or store.LazyTables when read from the cache
    sha256: dict[str, str]
    rows: dict[str, int]                 # data rows read per file
    rows_used: dict[str, int]            # rows this stage uses, per contract file
    problems: list[Problem]

    @property
    def analysed(self) -> pd.DataFrame:
        """Participants whose data may be used (enrolled by the cut-off, not withdrawn)."""
        return self.participants[~self.participants["withdrawn"]]

    #: The shared counts per office and arm of the data before the filter (a filtered
    #: report's counts are decided with those of every other report of the set:
    #: :mod:`pku_eval.shared_counts`); ``None`` for an unfiltered stage (its own data).
    office_counts: pd.DataFrame | None = None

    #: How each contract file was read (:func:`pku_eval.io.reading`): the provenance's.
    reading: Mapping[str, dict] = field(default_factory=dict)

    #: The tables outside the shared counts that every report of the set prints, per office
    #: or project, of the data before the filter (:mod:`pku_eval.set_tables`); ``None`` for
    #: an unfiltered stage (it counts them from its own data).
    set_tables: Mapping[str, pd.DataFrame] | None = None

    #: The question wording the delivery brought (its ``wording`` file): question → (nb, en);
    #: a chapter labels those questions with it (:func:`pku_eval.codebook.use_wording`).
    wording: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    #: Contract files a chapter declared it reads (``reads`` of its spec); None = all. The
    #: build's cache keys a chapter on exactly these files, so reading another is an error.
    reads: frozenset[str] | None = None

    def _check_read(self, name: str) -> None:
        base = name.removesuffix("_raw")
        if self.reads is not None and base not in self.reads | ALWAYS_READ:
            from .errors import PkuEvalError

            raise PkuEvalError(
                f"this chapter reads '{base}' but its spec does not declare it (``reads`` in "
                "chapters/<name>/spec.py): "
                "add it there, so that the build re-runs the chapter when that file changes")

    def table(self, name: str) -> pd.DataFrame | None:
        self._check_read(name)
        return self.tables.get(name)

    def has(self, name: str) -> bool:
        self._check_read(name)
        return name in self.tables


def prepare(ds: Dataset, cutoff_date, filter: dict | None = None) -> StageData:
    """Apply the cut-off date, withdrawn consent and an optional filter
    (``{"project": ...}`` or ``{"office": ...}``) to a dataset."""
    cutoff = pd.Timestamp(cutoff_date)
    offices = ds.tables["offices"].copy()
    if filter:
        for key, value in filter.items():
            offices = offices[offices[key] == value]
        if offices.empty:
            from .errors import PkuEvalError

            raise PkuEvalError(f"filter {filter} matches no office in offices "
                               f"(known {', '.join(filter)}: "
                               f"{', '.join(sorted(set(ds.tables['offices'][next(iter(filter))])))})")
    part = ds.tables["participants"]
    part = part[part["office"].isin(offices["office"]) & (part["enrolled_date"] <= cutoff)]
    part = part.merge(offices[["office", "project", "role", "method"]], on="office", how="left")
    part["withdrawn"] = part["withdrawn_date"].notna()
    part["followup_end"] = pd.NaT
    keep = set(part.loc[~part["withdrawn"], "participant_id"])
    if filter and not keep:
        from .errors import PkuEvalError

        what = ", ".join(f"{k}={v}" for k, v in filter.items())
        why = (f"all {len(part)} enrolled by then withdrew their consent" if len(part)
               else "nobody was enrolled there by then")
        raise PkuEvalError(
            f"--filter {what}: no participant to report on at the cut-off "
            f"{cutoff.date().isoformat()} ({why}); no report is written for it")

    tables: dict[str, pd.DataFrame] = {}
    for name, frame in ds.tables.items():
        if name in ("offices", "participants") or FILES[name].extension:
            continue
        spec = FILES[name]
        fr = frame
        if "participant_id" in fr:
            fr = fr[fr["participant_id"].isin(keep)]
        elif "office" in fr:
            fr = fr[fr["office"].isin(offices["office"])]
        elif "project" in fr:  # the actor survey is per project
            fr = fr[fr["project"].isin(offices["project"])]
        if spec.date_column:
            fr = fr[fr[spec.date_column] <= cutoff]
        tables[name] = fr.reset_index(drop=True)

    if "survey" in tables:
        tables["survey_raw"] = tables["survey"]
        tables["survey"] = _scored(tables["survey"], "survey")
    if "learning_survey" in tables:
        tables["learning_survey_raw"] = tables["learning_survey"]
        tables["learning_survey"] = _scored(tables["learning_survey"], "learning_survey")
    if "actor_survey" in tables:
        tables["actor_survey"] = _scored(tables["actor_survey"], "actor_survey")
    if "session_feedback" in tables:
        tables["session_feedback"] = session_totals(tables["session_feedback"])
    if "employer_survey" in tables:
        tables["employer_survey"] = clean_items(tables["employer_survey"],
                                                _item_columns("employer_survey"))
    if "outcomes" in tables:
        out = tables["outcomes"].copy()
        out["followup_end"] = out["followup_date"].where(out["followup_date"] <= cutoff, cutoff)
        out["employed"] = (out["first_job_date"].notna()
                           & (out["first_job_date"] <= out["followup_end"]))
        out.loc[out["followup_date"] > cutoff, "status"] = None
        tables["outcomes"] = out
        fu = out.set_index("participant_id")["followup_end"]
        part["followup_end"] = part["participant_id"].map(fu)
    rows_used = {"offices": len(offices), "participants": int((~part["withdrawn"]).sum())}
    rows_used.update({name: len(frame) for name, frame in tables.items() if name in FILES})
    wording = delivered_wording(ds)
    if "wording" in ds.tables:
        rows_used["wording"] = len(wording)
    office_counts = set_tables = None
    if filter:
        from .set_tables import compute_all
        from .shared_counts import office_counts as counts_of

        whole = prepare(ds, cutoff_date)
        office_counts = counts_of(whole)
        set_tables = compute_all(whole)
    return StageData(cutoff=cutoff, offices=offices.reset_index(drop=True),
                     participants=part.reset_index(drop=True), tables=tables,
                     sha256=dict(ds.sha256), rows=dict(ds.rows), rows_used=rows_used,
                     problems=list(ds.problems), office_counts=office_counts,
                     set_tables=set_tables, reading=dict(ds.reading), wording=wording)


def delivered_wording(ds: Dataset) -> dict[str, tuple[str, str]]:
    """The question wording the delivery brought (its optional ``wording`` file, validated):
    question → (nb, en), the text stripped of surrounding spaces; empty without the file."""
    frame = ds.tables.get("wording")
    if frame is None:
        return {}
    return {str(v): (str(nb).strip(), str(en).strip()) for v, nb, en in
            zip(frame["variable"], frame["wording_nb"], frame["wording_en"], strict=True)}


def survey_long(stage: StageData, waves: list[str]) -> pd.DataFrame:
    """Survey answers of analysed participants at the report's waves, with arm, office,
    project and randomisation; ``wave`` an ordered categorical in the params' order."""
    cols = ["participant_id", "arm", "office", "project", "randomised", "enrolled_date"]
    survey = stage.table("survey")
    out = survey[survey["wave"].isin(waves)].merge(stage.analysed[cols], on="participant_id",
                                                   how="inner")
    out["wave"] = pd.Categorical(out["wave"], categories=waves, ordered=True)
    return out


def session_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``session_feedback`` with ``ors`` and ``srs``: the sum of the four items when
    all four are filled in (0–40), else NaN, rounded to one decimal (DATA_CONTRACT.md).

    Examples
    --------
    >>> import pandas as pd
    >>> from pku_eval.codebook import ORS_ITEMS, SRS_ITEMS
    >>> df = pd.DataFrame({c: [5.1, None] for c in (*ORS_ITEMS, *SRS_ITEMS)})
    >>> session_totals(df)[["ors", "srs"]].to_dict("list")
    {'ors': [20.4, nan], 'srs': [20.4, nan]}
    """
    from .codebook import ORS_ITEMS, SRS_ITEMS

    out = frame.copy()
    for name, items in (("ors", ORS_ITEMS), ("srs", SRS_ITEMS)):
        part = out[list(items)].astype(float)
        out[name] = part.sum(axis=1).where(part.notna().all(axis=1)).round(1)
    return out


def _scored(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    out = clean_items(frame, _item_columns(name))
    if "employment" in out:
        out["employment"] = out["employment"].where(~out["employment"].isin(("8", "9")))
    for scale in SCALES.values():
        if scale.file == name:
            out[scale.name] = scale_score(out, scale)
    return out


def due_waves(participants: pd.DataFrame, survey: pd.DataFrame | None, cutoff,
              waves: list[str]) -> pd.DataFrame:
    """One row per participant × wave: ``due`` and ``answered`` (REPORT_SPEC.md "Due").

    A wave is due when ``enrolled_date`` + offset ≤ cut-off (T0 0, T1 183, T2 365 days), or
    when the participant answered it.
    """
    cutoff = pd.Timestamp(cutoff)
    base = participants[["participant_id", "office", "arm", "project", "enrolled_date"]]
    frames = []
    for wave in waves:
        d = base.assign(wave=wave)
        if survey is not None and len(survey):
            got = survey.loc[survey["wave"] == wave, "participant_id"]
            d["answered"] = d["participant_id"].isin(got).to_numpy()
        else:
            d["answered"] = False
        d["due"] = ((d["enrolled_date"] + pd.Timedelta(days=WAVE_OFFSET_DAYS[wave]) <= cutoff)
                    | d["answered"])
        frames.append(d)
    if not frames:
        return base.assign(wave=None, answered=False, due=False).iloc[:0]
    return pd.concat(frames, ignore_index=True)


__all__ = [
    "Dataset",
    "StageData",
    "clean_items",
    "due_waves",
    "load",
    "prepare",
    "reversed_items",
    "scale_score",
    "session_totals",
]
