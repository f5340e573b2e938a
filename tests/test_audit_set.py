"""The disclosure audit of a report set (#14): the whole report and the project and office
reports of one stage read together. The attack found by reading the default demo reports side
by side — the missing-codes table of the whole report minus those of two projects gives a count
the third project's report withholds (29 − 21 − 5 → 3) — is a test here; so is the defence:
the set decision (:mod:`pku_eval.set_tables`) over random small data, published through the
real publishing path, leaves the auditor nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pku_eval import cli
from pku_eval.audit_set import audit_report_set, load_report
from pku_eval.disclosure import Policy
from pku_eval.publish import Column, table_html
from pku_eval.set_tables import decide

P = Policy(5)
PARTS = ("valid", "dont_know", "not_answered", "empty")
QUANTITIES = ("rows", *PARTS, "missing")
RELATIONS = [{"rows": -1, "valid": 1, "dont_know": 1, "not_answered": 1, "empty": 1},
             {"missing": -1, "dont_know": 1, "not_answered": 1, "empty": 1}]
COLUMNS = [Column("row", "Spørsmål"), Column("valid", "Gyldige (n)", "count"),
           Column("dont_know", "Vet ikke (n)", "count"),
           Column("not_answered", "Ikke svart (n)", "count"),
           Column("empty", "Tom (n)", "count")]


def write_report(folder, table: pd.DataFrame, flt: str, stage: str = "final",
                 withheld: frozenset = frozenset(), offices=None) -> None:
    """A report folder with one missing-codes table, published through the real path; the
    cells ``withheld`` ((row, column)) withheld as the chapter would; ``offices``: the offices
    it covers, recorded in its head as a build records them (None: not recorded, as by an
    earlier version)."""
    out = table
    for col in PARTS:
        out = P.withhold(out, col, [(r, col) in withheld for r in table["row"]])
    html, _ = table_html(out, COLUMNS, policy=P, language="nb", number="1.4",
                         caption="Manglende svar", source="Kilde: deltakerundersøkelsen")
    folder.mkdir(parents=True)
    (folder / "report.html").write_text(
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"/>'
        f'<meta content="5" name="pku-min-cell"/><meta content="{stage}" name="pku-stage"/>'
        f'<meta content="{flt}" name="pku-filter"/>'
        + (f'<meta content="{",".join(offices)}" name="pku-offices"/>' if offices else "")
        + f'</head><body>{html}</body></html>',
        encoding="utf-8")


def units_frame(seed: int, offices=(("a1", "a"), ("a2", "a"), ("b1", "b"), ("c1", "c"),
                                    ("c2", "c"))) -> pd.DataFrame:
    """Random missing-code counts per office and item: many small cells."""
    rng = np.random.default_rng(seed)
    rows = []
    for office, project in offices:
        for item in ("q1", "q2", "q3", "q4", "q5"):
            dk, na, em = (int(x) for x in rng.integers(0, 9, 3))
            valid = int(rng.integers(5, 60))
            rows.append({"office": office, "project": project, "row": item, "valid": valid,
                         "dont_know": dk, "not_answered": na, "empty": em,
                         "rows": valid + dk + na + em, "missing": dk + na + em})
    return pd.DataFrame(rows)


class Stage:
    """Just what :func:`pku_eval.set_tables.decide` reads of a stage: the per-unit table."""

    def __init__(self, units: pd.DataFrame):
        self.set_tables = {"missing_survey": units}


def scope_table(units: pd.DataFrame, offices) -> pd.DataFrame:
    sub = units[units["office"].isin(offices)]
    return sub.groupby("row", sort=True)[list(QUANTITIES)].sum().reset_index()


def publish_set(tmp_path, units: pd.DataFrame, decision, record: bool = True) -> list:
    """The whole report, each project's and each office's, withholding what ``decision(flt)``
    says (``record``: each report names its offices, as a build does)."""
    scopes = {"": tuple(units["office"].unique())}
    for project, g in units.groupby("project"):
        scopes[f"project={project}"] = tuple(g["office"].unique())
    for office in units["office"].unique():
        scopes[f"office={office}"] = (office,)
    folders = []
    for flt, offices in scopes.items():
        folder = tmp_path / (f"final-{flt.split('=')[1]}" if flt else "final")
        key = dict([flt.split("=")]) if flt else None
        write_report(folder, scope_table(units, offices), flt, withheld=decision(key),
                     offices=offices if record else None)
        folders.append(folder)
    return folders


def scope_offices(units: pd.DataFrame, flt) -> tuple:
    if not flt:
        return tuple(units["office"].unique())
    (key, value), = flt.items()
    return tuple(units.loc[units[key] == value, "office"].unique())


def within_table_only(units):
    """The old protection: each report's table on its own (a second count in a row)."""
    def decision(flt):
        tab = scope_table(units, scope_offices(units, flt))
        out = set()
        for _, r in tab.iterrows():
            mask = P.line_mask([r[c] for c in PARTS]).to_numpy()
            out |= {(r["row"], c) for c, m in zip(PARTS, mask) if m}
        return frozenset(out)
    return decision


def test_the_whole_minus_two_projects_gives_the_third(tmp_path):
    """29 'vet ikke' in the whole report, 21 and 5 in two projects: the third's 3 follows."""
    whole = pd.DataFrame({"row": ["q1", "q2", "q3", "q4"], "valid": [800, 790, 805, 799],
                          "dont_know": [29, 31, 20, 22], "not_answered": [23, 25, 27, 18],
                          "empty": [22, 30, 28, 24]})
    a = whole.assign(valid=[600, 590, 600, 600], dont_know=[21, 20, 10, 12],
                     not_answered=[14, 15, 15, 10], empty=[15, 20, 18, 14])
    b = whole.assign(valid=[100, 100, 105, 99], dont_know=[5, 6, 5, 5],
                     not_answered=[6, 5, 6, 5], empty=[5, 5, 5, 5])
    c = whole.copy()
    for col in ("valid", "dont_know", "not_answered", "empty"):
        c[col] = whole[col] - a[col] - b[col]
    assert c.loc[0, "dont_know"] == 3
    write_report(tmp_path / "final", whole, "")
    write_report(tmp_path / "final-a", a, "project=a")
    write_report(tmp_path / "final-b", b, "project=b")
    write_report(tmp_path / "final-c", c, "project=c",
                 withheld=frozenset({("q1", "dont_know"), ("q1", "not_answered")}))
    dirs = [tmp_path / n for n in ("final", "final-a", "final-b", "final-c")]
    found = audit_report_set(dirs)
    where = {(f.report, f.where) for f in found}
    assert ("final-c", "Tabell 1.4, row 1, column 'Vet ikke (n)'") in where
    assert ("final-c", "Tabell 1.4, row 1, column 'Ikke svart (n)'") in where
    assert {f.report for f in found} == {"final-c"}
    assert all("3" not in f.attack for f in found)
    # each report alone gives nothing: it is the set that leaks
    from pku_eval.audit import audit_report
    assert all(audit_report(d) == [] for d in dirs)
    assert cli.main(["disclosure-audit", *map(str, dirs)]) == 1
    # a report of another stage is not a part of the sum
    assert load_report(dirs[0]).stage == "final"


def test_reports_that_do_not_add_up_are_not_taken_for_a_sum(tmp_path):
    whole = pd.DataFrame({"row": ["q1", "q2", "q3", "q4"], "valid": [80, 79, 85, 79],
                          "dont_know": [29, 31, 20, 22], "not_answered": [23, 25, 27, 18],
                          "empty": [22, 30, 28, 24]})
    a = whole.assign(dont_know=[21, 20, 10, 12])
    b = whole.assign(dont_know=[5, 6, 5, 5])
    write_report(tmp_path / "final", whole, "")
    write_report(tmp_path / "final-a", a, "project=a")
    write_report(tmp_path / "final-b", b, "project=b",
                 withheld=frozenset({("q1", "dont_know"), ("q1", "empty")}))
    assert audit_report_set([tmp_path / n for n in ("final", "final-a", "final-b")]) == []


@pytest.mark.parametrize("seed", range(4))
def test_the_set_decision_leaves_the_auditor_nothing(tmp_path, seed):
    """Random small counts in five offices of three projects (16 reports' worth of cells):
    protected one table at a time, the set gives hidden counts back; decided for the set
    (offices → projects → whole, and the sums in each row), it gives nothing back."""
    units = units_frame(seed)
    stage = Stage(units)

    def new(flt):
        return decide(stage, "missing_survey", QUANTITIES, RELATIONS, QUANTITIES, P, flt)

    leaky = audit_report_set(publish_set(tmp_path / "old", units,
                                              within_table_only(units)))
    safe = audit_report_set(publish_set(tmp_path / "new", units, new))
    assert safe == []
    if seed == 0:
        assert leaky, "the old, table-at-a-time protection should leak on this data"
    # read without the offices' record (reports of an earlier version): related from the
    # numbers, the same verdicts
    assert audit_report_set(publish_set(tmp_path / "new-unrecorded", units, new,
                                        record=False)) == []
    if seed == 0:
        assert audit_report_set(publish_set(tmp_path / "old-unrecorded", units,
                                            within_table_only(units), record=False))


def _three_offices(z_dont_know: int, x_dont_know: int = 1
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A project of offices x, y and z: z has no report of its own and no answers except
    ``z_dont_know`` "vet ikke" to q1 (x's "vet ikke" to q1: ``x_dont_know``)."""
    y = pd.DataFrame({"row": ["q1", "q2", "q3", "q4"], "valid": [40, 50, 45, 52],
                      "dont_know": [7, 6, 8, 9], "not_answered": [6, 7, 5, 8],
                      "empty": [9, 5, 6, 7]})
    x = y.assign(valid=[30, 31, 33, 29], dont_know=[x_dont_know, 5, 6, 7], not_answered=[3, 6, 8, 5],
                 empty=[6, 7, 5, 9])
    whole = y.copy()
    for col in PARTS:
        whole[col] = x[col] + y[col]
    whole.loc[0, "dont_know"] += z_dont_know
    return whole, x, y


def test_a_false_sum_is_not_taken_when_reports_name_their_offices(tmp_path):
    """Office z (no report) differs from zero only where office x withholds: read from the
    numbers alone, the whole looks like x + y and x's withheld 1 would come out as 1 + 2 = 3
    (a false finding that refused real builds); the offices each report names settle it:
    the whole is x + y + z, and z is unknown."""
    whole, x, y = _three_offices(z_dont_know=2)
    hide = frozenset({("q1", "dont_know"), ("q1", "not_answered")})
    write_report(tmp_path / "final", whole, "", offices=("x", "y", "z"))
    write_report(tmp_path / "final-x", x, "office=x", withheld=hide, offices=("x",))
    write_report(tmp_path / "final-y", y, "office=y", offices=("y",))
    dirs = [tmp_path / n for n in ("final", "final-x", "final-y")]
    assert audit_report_set(dirs) == []


def test_an_office_without_a_report_is_derived(tmp_path):
    """The whole minus its two other offices gives office z's 3 "vet ikke", though z has no
    report of its own: the auditor finds it (and names the office, not the value)."""
    whole, x, y = _three_offices(z_dont_know=3, x_dont_know=6)
    write_report(tmp_path / "final", whole, "", offices=("x", "y", "z"))
    write_report(tmp_path / "final-x", x, "office=x", offices=("x",))
    write_report(tmp_path / "final-y", y, "office=y", offices=("y",))
    found = audit_report_set([tmp_path / n for n in ("final", "final-x", "final-y")])
    assert [f.report for f in found] == ["~z"]
    assert "office z" in found[0].where and "Vet ikke" in found[0].where
    assert "3" not in found[0].attack


def test_a_build_refuses_to_publish_into_a_set_it_leaks_from(tmp_path):
    """The build reads its new report with the reports of the same stage and data beside its
    output folder; the third project's report joins a whole report and two project reports
    that give its withheld count back, so nothing is published. Reports of another stage or
    other data beside it do not count."""
    import json

    from pku_eval.build import _audit
    from pku_eval.errors import PkuEvalError
    from pku_eval.params import load_params

    whole = pd.DataFrame({"row": ["q1", "q2", "q3", "q4"], "valid": [800, 790, 805, 799],
                          "dont_know": [29, 31, 20, 22], "not_answered": [23, 25, 27, 18],
                          "empty": [22, 30, 28, 24]})
    a = whole.assign(valid=[600, 590, 600, 600], dont_know=[21, 20, 10, 12],
                     not_answered=[14, 15, 15, 10], empty=[15, 20, 18, 14])
    b = whole.assign(valid=[100, 100, 105, 99], dont_know=[5, 6, 5, 5],
                     not_answered=[6, 5, 6, 5], empty=[5, 5, 5, 5])
    c = whole.copy()
    for col in PARTS:
        c[col] = whole[col] - a[col] - b[col]
    reports = tmp_path / "reports"
    data = {"sha256": {"survey.csv": "abc"}}
    for name, tab, flt in (("final", whole, ""), ("final-a", a, "project=a"),
                           ("final-b", b, "project=b")):
        write_report(reports / name, tab, flt)
        (reports / name / "results.json").write_text(json.dumps({"stage": "final",
                                                                 "data": data}))
    work = tmp_path / "work"
    write_report(work, c, "project=c",
                 withheld=frozenset({("q1", "dont_know"), ("q1", "not_answered")}))
    (work / "results.json").write_text(json.dumps({"stage": "final", "data": data}))
    params = load_params(filter={"project": "klar"})
    with pytest.raises(PkuEvalError) as err:
        _audit(work, params, reports / "final-c")
    msg = str(err.value)
    assert "final-c: Tabell 1.4, row 1, column 'Vet ikke (n)'" in msg
    assert "final, final-a, final-b" in msg and "rebuild" in msg
    # the same siblings built from other data, or of another stage, are not its set
    for name in ("final", "final-a", "final-b"):
        other = {"stage": "final", "data": {"sha256": {"survey.csv": "other"}}}
        (reports / name / "results.json").write_text(json.dumps(other))
    _audit(work, params, reports / "final-c")
    for name in ("final", "final-a", "final-b"):
        (reports / name / "results.json").write_text(json.dumps({"stage": "interim",
                                                                 "data": data}))
    _audit(work, params, reports / "final-c")
