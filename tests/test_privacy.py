"""Disclosure control, the id scan, pseudonymisation, national ids and withdrawn consent."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pku_eval.errors import PkuEvalError
from pku_eval.privacy import (check_outputs, id_fingerprints, load_key, pseudonym,
                              pseudonymise_file, scan_for_ids)
from pku_eval.disclosure import HIDDEN, Policy, secondary_suppression, suppress_counts
from pku_eval.publish import Column, table_html


def test_primary_suppression_keeps_zero():
    assert suppress_counts(pd.Series([0, 1, 4, 5, np.nan]), 5).tolist() == [
        False, True, True, False, False]


def test_secondary_one_suppressed_cell_in_a_row():
    # row 0 has one small cell: with the row total known it could be recovered, so the
    # smallest other positive cell of that row is suppressed as well; the same holds for the
    # columns, which pulls in cells of row 1 (a 2 x 2 rectangle results)
    c = np.array([[2, 9, 30], [11, 14, 40], [20, 25, 50]])
    m = secondary_suppression(c, c < 5)
    assert m.sum(axis=1)[0] >= 2
    for axis in (0, 1):
        per_line = m.sum(axis=axis)
        assert not np.any(per_line == 1), "no row/column may hold a single suppressed cell"
    assert m[0, 0] and m[0, 1]


def test_secondary_two_cells_forming_a_rectangle():
    # primary cells (0,0) and (1,1): each row and column has one; the minimal protection
    # completes the rectangle (0,1) and (1,0)
    c = np.array([[3, 8, 40], [7, 2, 40], [30, 30, 30]])
    m = secondary_suppression(c, c < 5)
    assert m[:2, :2].all() and not m[2].any() and not m[:, 2].any()


def test_table_html_secondary_and_shares():
    df = pd.DataFrame({"g": ["a", "b"], "x": [3, 12], "y": [10, 15], "rate": [0.5, 0.6]})
    html, n = table_html(df, [Column("g", "g"), Column("x", "x (n)", "count"),
                              Column("y", "y (n)", "count"),
                              Column("rate", "rate", "pct", base="x")],
                         policy=Policy(5), language="en", number="1.1", caption="c", source="s",
                         secondary=["x", "y"])
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[:4] == ["a", "*", "*", "*"]  # x small, y its partner, rate rests on x
    assert "fewer than 5 people" in html


def test_hidden_cells_are_suppressed():
    df = pd.DataFrame({"k": [HIDDEN, 40]}, dtype=object)
    html, n = table_html(df, [Column("k", "k (n)", "count")], policy=Policy(5), language="nb",
                         number="1.1", caption="c", source="s")
    assert n == 1 and "40" in html


def test_id_scan_finds_ids_but_never_prints_them(tmp_path):
    tables = {"participants": pd.DataFrame({"participant_id": ["P-00012", "P-00013"]}),
              "se_log": pd.DataFrame({"log_id": ["L-0000001"], "coach_id": ["C-0001"]})}
    fp = id_fingerprints(tables)
    clean = tmp_path / "clean.html"
    clean.write_text("<p>P-0001 is not an id; 12 people</p>", encoding="utf-8")
    leaky = tmp_path / "leaky.json"
    leaky.write_text('{"x": "see C-0001."}', encoding="utf-8")
    assert scan_for_ids([clean, leaky], fp) == [str(leaky)]
    with pytest.raises(PkuEvalError) as exc:
        check_outputs(tmp_path, tables)
    assert "leaky.json" in str(exc.value) and "C-0001" not in str(exc.value)


def test_pseudonymise_is_keyed_consistent_and_refuses_key_in_repo(tmp_path):
    key_file = tmp_path / "secret" / "pku.key"
    src = tmp_path / "ids.csv"
    src.write_text("pid,x\n15076500565,a\n15076500565,b\n01010112345,c\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    pseudonymise_file(src, "pid", key_file, out)
    got = pd.read_csv(out, dtype=str)
    assert got["pid"][0] == got["pid"][1] != got["pid"][2]
    assert got["pid"].str.fullmatch(r"X-[0-9a-f]{16}").all()
    assert "15076500565" not in out.read_text()
    key = load_key(key_file)
    assert got["pid"][0] == pseudonym("15076500565", key)
    assert pseudonym("15076500565", b"another-key-another-key-another-key") != got["pid"][0]
    from pku_eval import config

    with pytest.raises(PkuEvalError, match="outside the repository"):
        load_key(config.PROJECT_ROOT / "pku.key")
