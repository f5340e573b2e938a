"""The independent disclosure audit (#14, first attacks): it reads only what was published and
tries to recover hidden counts. Each attack found by reading the demo reports with a pencil is
a test here: it succeeds on a table as the old publishing path printed it, and fails on the
table the publishing path prints now."""

from __future__ import annotations

import pandas as pd
import pytest

from pku_eval import cli
from pku_eval.audit import (
    Table,
    audit_relations,
    audit_report,
    audit_tables,
    parse_number,
    read_tables,
)
from pku_eval.disclosure import Policy
from pku_eval.publish import Column, table_html

P = Policy(5)


def response_table(shares=True) -> tuple[str, int]:
    """Jobbhuset at T2 in the default demo report: 5 due, 2 answered (hidden), 40 %."""
    df = pd.DataFrame({"office": ["Jobbhuset", "Moss"], "due": [5, 40], "answered": [2, 30],
                       "rate": [0.4, 0.75]})
    cols = [Column("office", "Kontor"), Column("due", "Forfalt", "count"),
            Column("answered", "Svar", "count")]
    if shares:
        cols.append(Column("rate", "Svarprosent", "pct", base="due", decimals=0, of="answered"))
    return table_html(df, cols, policy=P, language="nb", number="3.2", caption="Svar",
                      source="survey")


def test_share_times_base_recovers_a_hidden_count_in_the_old_table():
    """`5 | * | 40 %` → 2: the attack works on the table as it used to be printed."""
    old = Table("3.2", ["Kontor", "Forfalt", "Svar", "Svarprosent"],
                ["text", "count", "count", "pct"], [None, None, None, 1],
                [["Jobbhuset", "5", "*", "40"], ["Moss", "40", "30", "75"]],
                ofs=[None, None, None, None])
    found = audit_tables([old], 5, "final", "Tabell")
    assert found == []  # without knowing what the share is a share of, no attack is tried
    old.ofs[3] = 2      # the table says: the share of 'Svar', out of 'Forfalt'
    found = audit_tables([old], 5, "final", "Tabell")
    assert len(found) == 1
    assert "Tabell 3.2, row 1, column 'Svarprosent'" in found[0].where
    assert "share of a withheld count" in found[0].attack
    assert "2" not in str(found[0]).replace("3.2", "")  # the value is never named


def test_the_publishing_path_withholds_a_revealing_share():
    html, hidden = response_table()
    assert hidden == 2  # the count and the share that would give it away
    tab = read_tables(html)[0]
    assert tab.kinds == ["text", "count", "count", "pct"] and tab.bases[3] == 1
    assert tab.ofs[3] == 2
    assert tab.rows[0] == ["Jobbhuset", "5", "*", "*"]
    assert tab.rows[1] == ["Moss", "40", "30", "75"]
    assert audit_tables([tab], 5) == []


def test_revealing_shares_rule():
    assert P.revealing_shares([0.4, 0.2, 0.6, 0.05, 0.0], [5, 5, 10, 100, 3]).tolist() == \
        [True, True, False, False, False]


def test_a_visible_small_count_is_found():
    t = Table("1.1", ["g", "n"], ["text", "count"], [None, None], [["a", "3"], ["b", "12"]],
              [None, None])
    assert [f.where for f in audit_tables([t], 5)] == ["Table 1.1, row 1, column 'n'"]


@pytest.mark.parametrize("text,value", [("1 234", 1234.0), ("1\u202f234", 1234.0),
                                        ("46,7", 46.7), ("12.5", 12.5), ("84 (46,7)", 84.0),
                                        ("1,234.5", 1234.5), ("*", None), ("–", None),
                                        ("Moss", None), ("−0,3", -0.3)])
def test_parse_number(text, value):
    assert parse_number(text) == value


def page(table: str) -> str:
    return ('<html lang="nb"><head><meta name="pku-min-cell" content="5"></head><body>'
            f"{table}</body></html>")


def test_cli_audits_report_folders(tmp_path, capsys):
    good, bad = tmp_path / "final", tmp_path / "final-moss"
    good.mkdir()
    bad.mkdir()
    (good / "report.html").write_text(page(response_table()[0]), encoding="utf-8")
    leaky = response_table(shares=False)[0].replace(
        '<th scope="col" class="num" data-kind="count">Svar</th>',
        '<th scope="col" class="num" data-kind="count">Svar</th>'
        '<th scope="col" class="num" data-kind="pct" data-base="1" data-of="2">Svarprosent</th>')
    leaky = leaky.replace('<td class="num suppressed">*</td></tr>',
                          '<td class="num suppressed">*</td><td class="num">40</td></tr>', 1)
    (bad / "report.html").write_text(page(leaky), encoding="utf-8")
    assert audit_report(good) == []
    assert len(audit_report(bad)) == 1
    assert cli.main(["disclosure-audit", str(good)]) == 0
    assert "nothing recovered" in capsys.readouterr().out
    assert cli.main(["disclosure-audit", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "final-moss: Tabell 3.2, row 1" in out and "1 hidden count(s)" in out
    assert "share of a withheld count" in out
    assert cli.main(["disclosure-audit", str(tmp_path)]) == 1  # not a report folder
    assert "no report.html" in capsys.readouterr().err


@pytest.mark.parametrize("meta", ['<meta name="pku-min-cell" content="10">',
                                  '<meta content="10" name="pku-min-cell"/>'])
def test_the_report_states_its_min_cell(tmp_path, meta):
    """The audit checks against the limit the report states, however the attributes are
    ordered (nbconvert reorders them)."""
    from pku_eval.audit import min_cell_of

    (tmp_path / "report.html").write_text(f"<html><head>{meta}</head></html>", encoding="utf-8")
    assert min_cell_of(tmp_path) == 10


def test_results_json_small_flow_count_is_found(tmp_path):
    import json

    d = tmp_path / "r"
    d.mkdir()
    (d / "report.html").write_text(page(""), encoding="utf-8")
    (d / "results.json").write_text(json.dumps(
        {"flow": {"withdrawn": {"treatment": 3, "internal_control": None}},
         "null_reasons": {}}), encoding="utf-8")
    assert [f.where for f in audit_report(d)] == ["flow.withdrawn.treatment"]


# ---- totals and their parts, found from the printed cells (#14: the auditor is not told)

def _t(number, headers, kinds, rows):
    return Table(number, headers, kinds, [None] * len(headers), rows, [None] * len(headers))


def test_a_column_that_sums_others_gives_back_its_hidden_part():
    """Table 4.2 of the default final report: 'analysed 95 | * | with register data 91'; the
    other rows show that analysed = missing + with register data, so the * is 4."""
    rows = [["tiltaksgruppe", "180", "13", "167"], ["intern", "114", "8", "106"],
            ["ekstern", "95", "*", "91"]]
    t = _t("4.2", ["Gruppe", "I analysene", "Mangler", "Med registerdata"],
           ["text", "count", "count", "count"], rows)
    found = audit_relations([t], 5, "final", "Tabell")
    assert [f.where for f in found] == ["Tabell 4.2, row 3, column 'Mangler'"]
    assert "4" not in found[0].attack
    rows[2][3] = "*"            # the count with register data withheld too: nothing to solve
    assert audit_relations([t], 5) == []


def test_a_row_that_sums_others_gives_back_its_hidden_part():
    """Interim Table 2.1: withdrawals hidden, 'analysed' hidden with them, but 'due at T0'
    (everyone) printed: enrolled − due at T0 = the withdrawn."""
    t = _t("2.1", ["Trinn", "T", "I", "E"], ["text", "count", "count", "count"],
           [["Inkludert", "354", "106", "97"], ["Trukket", "9", "*", "5"],
            ["I analysene", "345", "*", "92"], ["Forfalt T0", "345", "103", "92"]])
    found = audit_relations([t], 5)
    assert {f.where for f in found} == {"Table 2.1, row 2, column 'I'"}
    t.rows[3][2] = "*"
    assert audit_relations([t], 5) == []


def test_one_coincidence_is_not_a_relation():
    """A sum seen in one row only proves nothing; a hidden large cell is not a finding."""
    t = _t("1.1", ["g", "a", "b", "c"], ["text", "count", "count", "count"],
           [["x", "10", "4", "6"], ["y", "12", "30", "2"], ["z", "9", "*", "7"]])
    assert audit_relations([t], 5) == []
    t = _t("1.1", ["g", "a", "b", "c"], ["text", "count", "count", "count"],
           [["x", "10", "3", "7"], ["y", "12", "5", "7"], ["z", "19", "*", "7"]])
    assert audit_relations([t], 5) == []     # derivable, but 12 is not a small count


def test_the_relations_attack_runs_in_audit_report(tmp_path):
    t = ('<figure class="pku-table" id="tab-4-2"><table><thead><tr>'
         '<th data-kind="text">g</th><th data-kind="count">a</th><th data-kind="count">m</th>'
         '<th data-kind="count">w</th></tr></thead><tbody>'
         '<tr><td>x</td><td>180</td><td>13</td><td>167</td></tr>'
         '<tr><td>y</td><td>114</td><td>8</td><td>106</td></tr>'
         '<tr><td>z</td><td>95</td><td>*</td><td>91</td></tr></tbody></table></figure>')
    (tmp_path / "report.html").write_text(page(t), encoding="utf-8")
    assert [f.where for f in audit_report(tmp_path)] == ["Tabell 4.2, row 3, column 'm'"]
