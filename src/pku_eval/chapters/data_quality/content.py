"""Chapter 'data_quality': files, response and attrition, missing codes, flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from ... import plots, quality
from ...chapter import Chapter
from ...disclosure import Policy, protect
from ...params import Params
from ...publish import Column
from ...shared_counts import shared_counts
from ...text import arm_name, fmt_date, fmt_int, fmt_pct
from ...values import Value, frozen_values

ARMS_ALL = ("treatment", "internal_control", "external_control", "all")


@dataclass(frozen=True)
class Response:
    """The response part of the chapter: due and answered per participant × wave, the tables
    per arm and per office with what the suppression policy withholds in them, the rates and
    the flags (``values``: the results.json values, path → Value)."""

    due: pd.DataFrame | None        # participant × wave (None: no survey file)
    by_arm: pd.DataFrame | None     # wave × arm, with ``hide_due`` / ``hide_answered``
    by_office: pd.DataFrame | None  # wave × arm × office, likewise
    pooled: pd.DataFrame | None     # per wave, all arms
    rates: Mapping | None           # response.<wave>.<arm|all>
    flags: tuple
    values: Mapping[str, Value]


def _linked_hiding(by_arm: pd.DataFrame, by_office: pd.DataFrame,
                   policy: Policy, shared=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which counts of the two response tables to withhold, decided together: the office rows
    of a wave and arm add up to that arm's row in the other table, so a single withheld office
    count could be recovered by subtraction (the attack "arm total minus the visible offices").
    The engine (:func:`pku_eval.disclosure.protect`) withholds further office counts until no
    withheld one is derivable from anything published. A rate is withheld with its count.

    ``shared`` (``report`` and ``office`` → :class:`~pku_eval.shared_counts.SharedCounts`):
    the report's decision on the counts the participants' flow prints too (due and answered
    per arm and wave, in this report and in each office's): those it withholds are withheld
    here as well, so that no table gives another away."""
    arm = by_arm.reset_index(drop=True)
    off = by_office.reset_index(drop=True)
    values, owner = [], []
    for name, frame in (("arm", arm), ("office", off)):
        for col in ("due", "answered"):
            for i in range(len(frame)):
                values.append(float(frame.loc[i, col]))
                owner.append((name, col, i))
    index = {o: k for k, o in enumerate(owner)}
    relations = []
    for i in range(len(arm)):
        parts = off.index[(off["wave"] == arm.loc[i, "wave"]) & (off["arm"] == arm.loc[i, "arm"])]
        for col in ("due", "answered"):
            row = np.zeros(len(values))
            row[index[("arm", col, i)]] = -1
            for j in parts:
                row[index[("office", col, j)]] = 1
            relations.append(row)
    values = np.array(values)
    primary = policy.count_mask(values).to_numpy()
    if shared is not None:
        for k, (name, col, i) in enumerate(owner):
            frame = arm if name == "arm" else off
            sc = shared["report"] if name == "arm" else shared["office"](frame.loc[i, "office"])
            if sc.is_hidden(f"{col}_{frame.loc[i, 'wave']}", frame.loc[i, "arm"]):
                primary[k] = True
    hidden = protect(values, primary, np.array(relations)) if relations else primary
    out = []
    for name, frame in (("arm", arm), ("office", off)):
        frame = frame.copy()
        for col in ("due", "answered"):
            frame[f"hide_{col}"] = [bool(hidden[index[(name, col, i)]])
                                    for i in range(len(frame))]
        out.append(frame)
    return out[0], out[1]


def compute(stage, params: Params) -> Response:
    """Response rates, the two response tables with their withheld cells, and the flags."""
    policy = Policy(params.min_cell)
    waves = list(params.waves)
    if not stage.has("survey"):
        values = {f"response.{w}.{arm}": Value.null("survey file not present")
                  for w in waves for arm in ARMS_ALL}
        values["quality.flags"] = Value([])
        return Response(None, None, None, None, None, (), frozen_values(values))
    due = quality.stage_due(stage, waves)
    rates = quality.response_rates(due, waves)
    q = params.quality
    flags = quality.attrition_flags(rates, q.min_response_rate, q.max_response_gap,
                                    params.language)
    by_arm = quality.response_table(due, ["wave", "arm"])
    by_office = quality.response_table(due, ["wave", "arm", "office"])
    shared = {"report": shared_counts(stage, waves, policy, params.filter),
              "office": lambda o: shared_counts(stage, waves, policy, {"office": o})}
    by_arm, by_office = _linked_hiding(by_arm, by_office, policy, shared)
    pooled = quality.response_table(due, ["wave"])
    values = {}
    for w in waves:
        for arm in ARMS_ALL:
            rows = pooled[pooled["wave"] == w] if arm == "all" else \
                by_arm[(by_arm["wave"] == w) & (by_arm["arm"] == arm)]
            n_due = int(rows["due"].sum()) if len(rows) else 0
            # a rate at full precision gives back its count and base: withheld with them
            # (the pooled rate with any arm's)
            arms = by_arm[by_arm["wave"] == w] if arm == "all" else rows
            withheld = bool((arms["hide_due"] | arms["hide_answered"]).any())
            if n_due == 0:
                values[f"response.{w}.{arm}"] = Value.null(f"no {arm} participant due at {w}")
            else:
                values[f"response.{w}.{arm}"] = policy.stat(rates[w][arm], n_due,
                                                             withheld=withheld)
    values["quality.flags"] = Value(flags)
    return Response(due, by_arm, by_office, pooled, MappingProxyType(rates), tuple(flags),
                    frozen_values(values))


def _published(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """A response table as published: withheld counts, and the rate with its count."""
    out = policy.withhold(frame, ["due", "response_rate"], frame["hide_due"].to_numpy())
    return policy.withhold(out, ["answered", "response_rate"],
                           frame["hide_answered"].to_numpy())


def show_flags(ch: Chapter, resp: Response) -> None:
    """The warning box at the top of the chapter (or a line saying no flag fired)."""
    if resp.due is None:
        ch.notice(ch.t("dq_no_survey"))
        return
    q = ch.params.quality
    if resp.flags:
        ch.warning("dq_flags_title", [f["message"] for f in resp.flags])
    else:
        ch.text("dq_no_flags", threshold=fmt_pct(q.min_response_rate, ch.language),
                gap=fmt_pct(q.max_response_gap, ch.language))


def files_read(stage) -> pd.DataFrame:
    """Per contract file: present, rows read and used, warnings (:func:`quality.file_summary`),
    and the file it was read from and how (the reading's notice: separator, decimal mark,
    encoding, sheet, header row; a survey tool's export mapped onto the contract file by
    mapping.yml is counted as that file)."""
    import re

    from ...io import READ_AS

    df = quality.file_summary(stage)
    read_as: dict[str, tuple[str, str]] = {}
    for p in stage.problems:
        if p.severity == "notice" and p.row is None and p.expected.startswith(READ_AS):
            m = re.search(r", mapped onto '([a-z_]+)' by mapping\.yml$", p.expected)
            name = m.group(1) if m else p.file.rsplit(".", 1)[0]
            read_as[name] = (p.file, p.expected.removeprefix(READ_AS))
    df["read_as"] = [read_as.get(n, ("", ""))[1] for n in df["file"]]
    for i, name in enumerate(df["file"]):
        fname = read_as.get(name, ("", ""))[0]
        if not df.loc[i, "present"] and fname in stage.rows:   # an export, through the mapping
            df.loc[i, "present"] = True
            df.loc[i, "rows"] = stage.rows[fname]
            df.loc[i, "rows_used"] = stage.rows_used.get(name)
        if fname and fname.rsplit(".", 1)[0] != name:
            df.loc[i, "warnings"] = sum(p.severity == "warning" and p.file == fname
                                        for p in stage.problems)
            df.loc[i, "file"] = f"{name} ({fname})"
    return df


#: The parts of a reading's description (``pku_eval.io.describe``) and their catalogue keys.
_READ_AS_PARTS = (
    (r"CSV", "dq_fmt_csv"), (r"Excel workbook", "dq_fmt_xlsx"), (r"SPSS \.sav", "dq_fmt_sav"),
    (r"'(?P<sep>.)'-separated", "dq_sep"), (r"decimal comma", "dq_decimal_comma"),
    (r"decimal point", "dq_decimal_point"), (r"UTF-8", "dq_enc_utf8"),
    (r"UTF-8 with BOM", "dq_enc_utf8_bom"), (r"Windows-1252", "dq_enc_cp1252"),
    (r"ASCII \(UTF-8 and Windows-1252 alike\)", "dq_enc_ascii"),
    (r"(?P<kind>CRLF|LF|CR|no|mixed \([A-Z/]+\)) line endings", "dq_newlines"),
    (r"sheet '(?P<sheet>.*)'", "dq_sheet"), (r"header on row (?P<row>\d+)", "dq_header_row"),
    (r"mapped onto '(?P<name>[a-z_]+)' by mapping\.yml", "dq_mapped"),
)


def read_as_words(ch: Chapter, text: str) -> str:
    """How a file was read, in the report's language (each part of the description through
    the catalogue; a part not known is shown as it is)."""
    import re

    out = []
    for part in text.split(", ") if text else []:
        for pattern, key in _READ_AS_PARTS:
            m = re.fullmatch(pattern, part)
            if m:
                fill = m.groupdict()
                if "row" in fill:
                    fill["row"] = fmt_int(int(fill["row"]), ch.language)
                out.append(ch.t(key, **fill))
                break
        else:
            out.append(part)
    return ", ".join(out)


def show_files(ch: Chapter) -> None:
    ch.section("dq_files")
    df = files_read(ch.data)
    df["read_as"] = [read_as_words(ch, v) for v in df["read_as"]]
    df["present"] = df["present"].map({True: ch.t("yes"), False: ch.t("no")})
    ch.table(df, [Column("file", ch.t("h_file")), Column("present", ch.t("h_present")),
                  Column("rows", ch.t("h_rows"), "num", decimals=0),
                  Column("rows_used", ch.t("h_rows_used"), "num", decimals=0),
                  Column("warnings", ch.t("h_warnings"), "num", decimals=0),
                  Column("read_as", ch.t("h_read_as"))],
             ch.t("dq_files_caption"), ch.t("source_files"))


def show_response(ch: Chapter, resp: Response) -> None:
    if resp.due is None:
        return
    ch.section("dq_response")
    lang = ch.language
    pooled = resp.pooled.set_index("wave")
    first, last = ch.waves[0], ch.waves[-1]
    ch.text("dq_response_text", first=first, r_first=fmt_pct(pooled.loc[first, "response_rate"], lang),
            last=last, r_last=fmt_pct(pooled.loc[last, "response_rate"], lang),
            n_last=fmt_int(pooled.loc[last, "answered"], lang),
            due_last=fmt_int(pooled.loc[last, "due"], lang), table=ch.next_table,
            figure=ch.next_figure)
    tab = _published(resp.by_arm, ch.policy)
    tab["arm"] = tab["arm"].map(lambda a: arm_name(a, lang))
    cols = [Column("wave", ch.t("h_wave")), Column("arm", ch.t("h_arm")),
            Column("due", ch.t("h_due"), "count"), Column("answered", ch.t("h_answered"), "count"),
            Column("response_rate", ch.t("h_rate"), "pct", base="due", decimals=0,
                   of="answered")]
    ch.table(tab, cols, ch.t("dq_response_caption"), ch.t("source_survey"))
    mask = (ch.policy.base_mask(resp.by_arm["due"]).to_numpy()
            | resp.by_arm["hide_answered"].to_numpy())
    fig = plots.response_figure(resp.by_arm, ch.waves, lang, mask=mask)
    ch.figure(fig, ch.t("dq_response_fig"), ch.t("source_survey"))
    by_office = _published(resp.by_office, ch.policy)
    from ...codebook import office_label

    by_office["office"] = by_office["office"].map(lambda o: office_label(o, lang))
    by_office["arm"] = by_office["arm"].map(lambda a: arm_name(a, lang))
    ch.table(by_office, [Column("wave", ch.t("h_wave")), Column("arm", ch.t("h_arm")),
                         Column("office", ch.t("h_office"))] + cols[2:],
             ch.t("dq_response_office_caption"), ch.t("source_survey"))


def show_missing(ch: Chapter) -> None:
    if not ch.data.has("survey"):
        return
    ch.section("dq_missing")
    cols = [Column("item", ch.t("h_item")), Column("valid", ch.t("h_valid"), "count"),
            Column("dont_know", ch.t("h_dont_know"), "count"),
            Column("not_answered", ch.t("h_not_answered"), "count"),
            Column("empty", ch.t("h_empty"), "count"),
            Column("missing_share", ch.t("h_missing_share"), "pct", base="rows")]
    raw = quality.missing_counts(ch.data.table("survey_raw"), "survey")
    miss = _worded(raw, "survey", ch.language)
    hidden = _set_hidden(ch, "missing_survey")
    # the prose names the item missed most among those whose missing share is printed
    shown = miss[[(i, "missing") not in hidden for i in raw["item"]]]
    if len(shown) and shown["rows"].iloc[0] > 0:
        worst = shown.sort_values("missing_share", ascending=False).iloc[0]
        ch.text("dq_missing_text", item=worst["item"],
                share=fmt_pct(worst["missing_share"], ch.language))
    ch.table(_missing_published(miss, raw["item"], hidden, ch.policy),
             cols, ch.t("dq_missing_caption"), ch.t("source_survey"))
    if ch.data.has("learning_survey"):
        lraw = quality.missing_counts(ch.data.table("learning_survey_raw"), "learning_survey")
        lm = _worded(lraw, "learning_survey", ch.language)
        ch.table(_missing_published(lm, lraw["item"], _set_hidden(ch, "missing_learning"),
                                    ch.policy),
                 cols, ch.t("dq_missing_learning_caption"), ch.t("ls_source"))


def _worded(counts: pd.DataFrame, file: str, language: str) -> pd.DataFrame:
    """The items by their question wording (the codebook's label), not their column names."""
    from ...codebook import FILES

    spec = FILES[file]
    return counts.assign(item=counts["item"].map(lambda c: spec.var(c).label(language)))


MISSING_PARTS = ("valid", "dont_know", "not_answered", "empty")


#: In an item's row the four counts add up to the file's rows (printed in the files table),
#: and the missing share with its base gives the three missing counts' sum.
MISSING_RELATIONS = ({"rows": -1, "valid": 1, "dont_know": 1, "not_answered": 1, "empty": 1},
                     {"missing": -1, "dont_know": 1, "not_answered": 1, "empty": 1})


def _set_hidden(ch: Chapter, name: str) -> frozenset:
    """The missing-codes cells this report withholds, decided with every other report of the
    set (the whole, each project, each office): 29 "don't know" in the whole report minus
    21 and 5 in two projects' reports would give the third project's 3."""
    from ...set_tables import decide

    quantities = ("rows", *MISSING_PARTS, "missing")
    return decide(ch.data, name, quantities, list(MISSING_RELATIONS), quantities,
                  ch.policy, ch.params.filter)


def _missing_published(miss: pd.DataFrame, items: pd.Series, hidden: frozenset,
                       policy: Policy) -> pd.DataFrame:
    """The missing-codes table as published: the cells the set decision withholds (a single
    withheld count in a row is recoverable from the file's rows, 306 − 288 − 5 − 10 → 3;
    so is a project's count from the whole report and the other projects'); the missing share
    goes when the sum of the three missing counts is withheld."""
    from ...set_tables import hidden_mask

    frame = miss.assign(_item=items.to_numpy())
    out = miss
    for col in MISSING_PARTS:
        out = policy.withhold(out, col, hidden_mask(frame, "_item", col, hidden))
    return policy.withhold(out, "missing_share", hidden_mask(frame, "_item", "missing", hidden))


def show_mcar(ch: Chapter) -> None:
    """Little's test that the survey items are missing completely at random, one row per scale
    (computed and worded by the survey chapter, :mod:`pku_eval.chapters.survey_waves`)."""
    if not ch.data.has("survey"):
        return
    from .. import survey_waves

    long = survey_waves.survey_long(ch.data, ch.waves)
    seed = ch.params.seed
    survey_waves.show_mcar_items(ch, survey_waves.mcar_items(long, seed))


# ---------------------------------------------------------------- deliveries (#18)

def delivery_table(d) -> pd.DataFrame:
    """One row per contract file of the comparison with its previous delivery
    (:class:`pku_eval.receipts.Deliveries`): rows before and now, added, removed, changed,
    values changed, added rows dated before the previous delivery's latest. Counts of rows of
    a delivery, not of people: shown as they are."""
    cols = ["file", "previous", "rows_before", "rows_now", "added", "removed", "changed",
            "values_changed", "earlier_dates"]
    rows = [{"file": f.file, "previous": (f.previous or "")[:10], "rows_before": f.rows_before,
             "rows_now": f.rows_now, "added": f.added, "removed": f.removed,
             "changed": f.changed, "values_changed": f.values_changed,
             "earlier_dates": f.earlier_dates}
            for f in (d.files if d is not None else ()) if f.previous is not None]
    return pd.DataFrame(rows, columns=cols)


def delivery_messages(ch: Chapter, d) -> list[str]:
    """One sentence per file whose already-delivered rows changed or were removed."""
    lang = ch.language
    out = []
    for f in (d.files if d is not None else ()):
        if not f.warning:
            continue
        waves = ", ".join(ch.t("dq_delivery_wave", wave=w, rows=fmt_int(n, lang),
                               values=fmt_int(v, lang)) for w, n, v in f.changed_by_wave)
        out.append(ch.t("dq_delivery_changed", file=f.file, changed=fmt_int(f.changed, lang),
                        values=fmt_int(f.values_changed, lang),
                        removed=fmt_int(f.removed, lang),
                        previous=fmt_date(f.previous[:10], lang),
                        waves=waves or "–"))
    return out


def show_delivery_warning(ch: Chapter, d) -> None:
    """A warning box at the top when a delivery changed rows already delivered: a report
    must never change silently because an export was redone."""
    messages = delivery_messages(ch, d)
    if messages:
        ch.warning("dq_delivery_warning_title", messages)


def show_deliveries(ch: Chapter, d) -> None:
    """What changed since the previous delivery of each file (from the receipts)."""
    ch.section("dq_deliveries")
    if d is None:
        ch.text("dq_delivery_none")
        return
    if d.first:
        ch.text("dq_delivery_first", recorded=fmt_date(d.recorded[:10], ch.language))
        return
    table = delivery_table(d)
    ch.text("dq_delivery_text", recorded=fmt_date(d.recorded[:10], ch.language),
            table=ch.next_table)
    num = {"kind": "num", "decimals": 0}
    ch.table(table, [Column("file", ch.t("h_file")), Column("previous", ch.t("h_previous")),
                     Column("rows_before", ch.t("h_rows_before"), **num),
                     Column("rows_now", ch.t("h_rows_now"), **num),
                     Column("added", ch.t("h_added"), **num),
                     Column("removed", ch.t("h_removed"), **num),
                     Column("changed", ch.t("h_changed"), **num),
                     Column("values_changed", ch.t("h_values_changed"), **num),
                     Column("earlier_dates", ch.t("h_earlier_dates"), **num)],
             ch.t("dq_delivery_caption"), ch.t("source_receipts"))
    for f in d.files:
        if f.codes_appeared or f.codes_disappeared:
            ch.text("dq_delivery_codes", file=f.file,
                    appeared=", ".join(f"{c} = {v}" for c, v in f.codes_appeared) or "–",
                    gone=", ".join(f"{c} = {v}" for c, v in f.codes_disappeared) or "–")
