"""The baseline table's "n" is a shared count (#14): the analysed participants of a project's arm
(in an office's report, the office's). Read side by side, the office reports of Sør-Trøndelag
gave one back — the project's 94 minus Orkdal's 34 and Lerkendal's 56 is Jobbhuset's 4 — because
Orkdal's baseline printed the 34 its flow table withholds. The column now follows the shared
decision, and with it every cell that adds up to it."""

from __future__ import annotations

import pytest

from pku_eval import flow as flowmod
from pku_eval import tidy
from pku_eval.chapters.participants.show import _baseline_wide
from pku_eval.disclosure import MARK, Policy
from pku_eval.shared_counts import shared_counts

P = Policy(5)
WAVES = ["T0", "T1", "T2"]
OFFICES = ("lerkendal", "orkdal", "jobbhuset")


@pytest.fixture(scope="module")
def stages(demo_dir):
    ds = tidy.load(demo_dir)
    return {o: tidy.prepare(ds, "2017-06-30", {"office": o}) for o in OFFICES}


def test_the_offices_of_a_project_never_leave_one_analysed_count_unknown(stages):
    """Of the project's analysed count and its offices', never exactly one is withheld."""
    st = stages["orkdal"]
    project = shared_counts(st, WAVES, P, {"project": "sortrondelag"})
    assert not project.is_hidden("analysed", "treatment")
    shown = [shared_counts(st, WAVES, P, {"office": o}).is_hidden("analysed", "treatment")
             for o in OFFICES]
    assert sum(shown) != 1 and sum(shown) >= 1   # Jobbhuset's 4 is withheld, not alone


@pytest.mark.parametrize("office", OFFICES)
def test_the_baseline_column_follows_the_shared_decision(stages, office):
    st = stages[office]
    a = st.analysed
    bt = flowmod.baseline_table(a[a["project"] == "sortrondelag"], st.cutoff, "nb")
    withheld = {arm for arm in ("treatment",)
                if shared_counts(st, WAVES, P, {"office": office}).is_hidden("analysed", arm)}
    wide = _baseline_wide(bt, ["treatment"], "nb", P, withheld)
    if withheld:
        assert set(wide["treatment"]) == {MARK}, office     # n, age and every category
    else:
        assert wide["treatment"].iloc[0] != MARK            # the n is printed
    assert office != "jobbhuset" or withheld


def test_without_the_decision_the_office_column_gives_the_count_back(stages):
    """The old table: the office withheld as the second unknown (Orkdal in the default demo)
    printed its n although its flow table withholds it."""
    second = [o for o in OFFICES if o != "jobbhuset" and shared_counts(
        stages[o], WAVES, P, {"office": o}).is_hidden("analysed", "treatment")]
    assert second
    st = stages[second[0]]
    a = st.analysed
    bt = flowmod.baseline_table(a[a["project"] == "sortrondelag"], st.cutoff, "nb")
    old = _baseline_wide(bt, ["treatment"], "nb", P)
    assert old["treatment"].iloc[0] != MARK


def test_ung_jobb_minus_one_office_gives_no_category_of_the_other(demo_dir):
    """The category counts are decided with the set too: Ung@jobb's baseline table minus
    Haugesund's gave Karmøy's small counts ("Hovedytelse: ingen ytelse", "Utdanning: ukjent")
    when each table was protected on its own. Now, per arm and category, never exactly one of
    the three is withheld, and no printed count is below min_cell."""
    from pku_eval.set_tables import decide, unit_table
    from pku_eval.set_tables import baseline_quantities

    st = tidy.prepare(tidy.load(demo_dir), "2017-06-30", {"office": "haugesund"})
    quantities, relations, shown = baseline_quantities()
    scopes = [{"project": "ungjobb"}, {"office": "haugesund"}, {"office": "karmoy"}]
    hidden = [decide(st, "baseline", quantities, relations, shown, P, s) for s in scopes]
    units = unit_table(st, "baseline")
    ung = units[units["project"] == "ungjobb"]
    values = {o: g.set_index("row") for o, g in ung.groupby("office")}
    values["ungjobb"] = ung.groupby("row")[list(quantities)].sum()
    small = 0
    for row in values["ungjobb"].index:
        for q in shown:
            flags = [(row, q) in h for h in hidden]
            assert sum(flags) != 1, (row, q, flags)
            for name, flag in zip(("ungjobb", "haugesund", "karmoy"), flags):
                v = values[name].loc[row, q] if row in values[name].index else 0
                small += 0 < v < 5
                assert flag or not 0 < v < 5, (name, row, q)
    assert small, "the demo has small category counts in Ung@jobb to protect"
    # inside each report's table: with the arm's n printed, a characteristic's categories
    # (and its unanswered) never have exactly one withheld
    from pku_eval.set_tables import BASELINE_BLOCKS

    for h in hidden:
        for row in values["ungjobb"].index:
            if (row, "n") in h:
                continue
            for var in BASELINE_BLOCKS:
                block = [q for q in quantities if q.startswith(f"{var}:")]
                assert sum((row, q) in h for q in block) != 1, (row, var)
