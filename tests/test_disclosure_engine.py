"""Secondary suppression over linked tables (#14): after ``protect`` no hidden cell can be
derived from the published ones. Checked independently of the engine's own linear algebra: a
linear programme (scipy's HiGHS) finds the smallest and largest value each hidden cell can take
given every published cell, the relations and non-negativity; a cell whose range is a single
value would be disclosed."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from pku_eval.disclosure import Policy, derivable, protect


def margins_relations(r: int, c: int) -> np.ndarray:
    """Relations of an r × c table with row totals, column totals and the grand total, cells
    ordered: inner (row-major), row totals, column totals, grand total."""
    n = r * c + r + c + 1
    rel = []
    for i in range(r):
        row = np.zeros(n)
        row[i * c:(i + 1) * c] = 1
        row[r * c + i] = -1
        rel.append(row)
    for j in range(c):
        col = np.zeros(n)
        col[[i * c + j for i in range(r)]] = 1
        col[r * c + r + j] = -1
        rel.append(col)
    g = np.zeros(n)
    g[r * c:r * c + r] = 1
    g[-1] = -1
    rel.append(g)
    return np.array(rel)


def with_margins(inner: np.ndarray) -> np.ndarray:
    return np.concatenate([inner.ravel(), inner.sum(1), inner.sum(0), [inner.sum()]])


def ranges(values, hidden, relations):
    """[min, max] of every hidden cell over all non-negative solutions (None if published)."""
    idx = np.flatnonzero(hidden)
    a = relations[:, idx]
    b = -relations[:, ~hidden] @ values[~hidden]
    out = {}
    for k, h in enumerate(idx):
        c = np.zeros(idx.size)
        c[k] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status == 0
        out[int(h)] = (lo.fun, -hi.fun)
    return out


def test_one_hidden_part_of_a_total_is_recovered_without_protection():
    """The attack itself (self-reported employment: 208 − 205 → 3)."""
    rel = np.array([[1.0, 1, -1]])
    v = np.array([3.0, 205, 208])
    hidden = v < 5
    assert derivable(rel, hidden).tolist() == [True, False, False]
    lo, hi = ranges(v, hidden, rel)[0]
    assert lo == hi == 3


def test_two_by_two_rectangle():
    v = with_margins(np.array([[3, 20], [15, 40]]))
    hidden = protect(v, Policy(5).count_mask(v).to_numpy(), margins_relations(2, 2))
    assert hidden[:4].all() and not hidden[4:].any()


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_leave_no_hidden_cell_pinned(seed):
    rng = np.random.default_rng(seed)
    r, c = rng.integers(2, 5), rng.integers(2, 5)
    inner = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 30], size=(r, c),
                       p=[.1, .15, .1, .1, .1, .15, .1, .1, .1])
    v = with_margins(inner).astype(float)
    rel = margins_relations(r, c)
    primary = Policy(5).count_mask(v).to_numpy()
    hidden = protect(v, primary, rel)
    assert (hidden | ~primary).all() and (hidden >= primary).all()
    assert not derivable(rel, hidden).any()
    if hidden.any():
        for h, (lo, hi) in ranges(v, hidden, rel).items():
            assert hi - lo >= 1 - 1e-7, (seed, h, lo, hi)


def test_the_same_quantity_in_two_tables():
    """Employer size 10–49 hidden in one table and shown in the next: a relation 'x − y = 0'
    between the two cells makes the engine hide both."""
    # table 1: sizes a, b, total; table 2: the same b again as its own row
    rel = np.array([[1.0, 1, -1, 0], [0, 1, 0, -1]])
    v = np.array([12.0, 3, 15, 3])
    hidden = protect(v, Policy(5).count_mask(v).to_numpy(), rel)
    assert hidden.tolist() == [True, True, False, True]
    assert not derivable(rel, hidden).any()
