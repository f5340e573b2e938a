"""Tests of the synthetic demo data (``pku_eval.demo``).

The expected column lists and codes are copied from DATA_CONTRACT.md (the contract is the
reference, not the module); the expected effects come from ``demo.PLANTED``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pku_eval import demo

FOLLOWUP = pd.Timestamp("2017-06-30")  # REPORT_SPEC.md, demo-data: the register extract
INTERIM_CUTOFF = pd.Timestamp("2015-10-31")
WAVE_OFFSET = {"T0": 0, "T1": 183, "T2": 365}

# DATA_CONTRACT.md, version 2
CONTRACT_COLUMNS = {
    "offices": ["office", "name", "county", "project", "role", "method", "staff"],
    "participants": ["participant_id", "office", "arm", "randomised", "enrolled_date",
                     "birth_year", "gender", "main_benefit", "education", "immigrant",
                     "withdrawn_date"],
    "survey": ["participant_id", "wave", "response_date", "employment", "hours_per_week",
               *[f"mastery_{i}" for i in range(1, 8)],
               *[f"satisfaction_{i}" for i in range(1, 6)],
               *[f"participation_{i}" for i in range(1, 5)],
               "health", "life_satisfaction"],
    "se_log": ["log_id", "participant_id", "coach_id", "date", "contact_type", "counterpart",
               "se_stage", "minutes"],
    "outcomes": ["participant_id", "followup_date", "first_job_date", "status"],
    "learning_survey": ["respondent_id", "office", "round", "response_date", "role",
                        "tenure_years", "in_project",
                        *[f"{s}_{i}" for s in ("arenas", "sharing", "research")
                          for i in range(1, 5)]],
    "employer_survey": ["employer_id", "office", "response_date", "sector", "size",
                        *[f"followup_{i}" for i in range(1, 7)], "would_recommend"],
    # version 2
    "session_feedback": ["participant_id", "session_date", "session_no", "ors_individual",
                         "ors_interpersonal", "ors_social", "ors_overall", "srs_relationship",
                         "srs_goals", "srs_approach", "srs_overall"],
    "actor_survey": ["respondent_id", "round", "response_date", "project", "party",
                     *[f"collaboration_{i}" for i in range(1, 6)],
                     *[f"learning_{i}" for i in range(1, 5)],
                     *[f"organisation_{i}" for i in range(1, 5)], "overall"],
}
SCALES = {"mastery": (7, 4, (1, 3, 4, 6, 7), 5),  # items, top of range, reversed, min answered
          "satisfaction": (5, 5, (), 4),
          "participation": (4, 5, (), 3)}
LEARNING_SCALES = ("arenas", "sharing", "research")
DATE_COLUMNS = {"participants": ["enrolled_date", "withdrawn_date"], "survey": ["response_date"],
                "se_log": ["date"], "outcomes": ["followup_date", "first_job_date"],
                "learning_survey": ["response_date"], "employer_survey": ["response_date"],
                "session_feedback": ["session_date"], "actor_survey": ["response_date"]}
ID_COLUMNS = {"participants": ["participant_id"], "survey": ["participant_id"],
              "se_log": ["log_id", "participant_id", "coach_id"], "outcomes": ["participant_id"],
              "learning_survey": ["respondent_id"], "employer_survey": ["employer_id"],
              "session_feedback": ["participant_id"], "actor_survey": ["respondent_id"]}
NOT_INTEGER = {"tenure_years",  # number columns that may hold decimals
               *CONTRACT_COLUMNS["session_feedback"][3:]}


# --------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    """The default demo tables."""
    return demo.generate()


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    """The default demo data written as CSV."""
    out = tmp_path_factory.mktemp("demo")
    demo.write_demo(out)
    return out


@pytest.fixture(scope="module")
def large():
    """A large data set for the planted effects (about 1-2 s)."""
    return demo.generate(participants=20000, seed=7)


def with_group(people: pd.DataFrame, offices: pd.DataFrame) -> pd.DataFrame:
    """Participants with the PLANTED key: the KLAR arm or "other_projects"."""
    project = people["office"].map(offices.set_index("office")["project"])
    return people.assign(group=np.where(project == "klar", people["arm"], "other_projects"))


def valid(frame: pd.DataFrame) -> pd.DataFrame:
    """Items as floats with the missing codes 8 and 9 set to NaN."""
    return frame.astype(float).where(lambda x: ~x.isin([8, 9]))


def scale_score(frame: pd.DataFrame, name: str, items: int, top: int, reversed_items,
                min_answered: int) -> pd.Series:
    """Scale score per DATA_CONTRACT.md: mean of reversed-where-needed items, min-items rule."""
    values = valid(frame[[f"{name}_{i}" for i in range(1, items + 1)]])
    for i in reversed_items:
        values[f"{name}_{i}"] = top + 1 - values[f"{name}_{i}"]
    return values.mean(axis=1).where(values.notna().sum(axis=1) >= min_answered)


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha, listwise."""
    items = items.dropna()
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def response_rates(t: dict, wave: str, by: str = "arm") -> pd.Series:
    """Answered / due per ``by`` (arm or PLANTED group) among non-withdrawn participants,
    cut-off 2017-06-30 (REPORT_SPEC.md: due when enrolled_date + offset <= cut-off)."""
    people = with_group(t["participants"], t["offices"])
    people = people[people["withdrawn_date"].isna()]
    due = people[people["enrolled_date"] + pd.Timedelta(days=WAVE_OFFSET[wave]) <= FOLLOWUP]
    answered = t["survey"][(t["survey"]["wave"] == wave)
                           & t["survey"]["participant_id"].isin(due["participant_id"])]
    key = due.set_index("participant_id")[by]
    return answered["participant_id"].map(key).value_counts() / due[by].value_counts()


# --------------------------------------------------------------------------------------------
# Interface and file format
# --------------------------------------------------------------------------------------------


def test_defaults():
    assert demo.DEFAULT_SEED == 2016
    assert demo.DEFAULT_PARTICIPANTS == 600
    assert list(demo.OFFICES.columns) == CONTRACT_COLUMNS["offices"]


def test_tables_have_the_contract_columns_in_order(tables):
    assert list(tables) == list(CONTRACT_COLUMNS)
    for name, columns in CONTRACT_COLUMNS.items():
        assert list(tables[name].columns) == columns, name
        assert len(tables[name]) > 0, name


def test_write_demo_returns_the_nine_paths(csv_dir, tmp_path):
    paths = demo.write_demo(tmp_path / "new" / "dir", participants=40, seed=1)
    assert [p.name for p in paths] == [f"{name}.csv" for name in CONTRACT_COLUMNS]
    assert all(p.is_file() for p in paths)
    assert sorted(p.name for p in csv_dir.iterdir()) == sorted(p.name for p in paths)


def test_same_seed_gives_identical_bytes(csv_dir, tmp_path):
    demo.write_demo(tmp_path)
    for name in CONTRACT_COLUMNS:
        assert (tmp_path / f"{name}.csv").read_bytes() == (csv_dir / f"{name}.csv").read_bytes()


def test_different_seed_gives_different_data(csv_dir, tmp_path):
    demo.write_demo(tmp_path, seed=demo.DEFAULT_SEED + 1)
    for name in ("participants", "survey", "se_log", "outcomes", "learning_survey"):
        assert (tmp_path / f"{name}.csv").read_bytes() != (csv_dir / f"{name}.csv").read_bytes()
    # the fixed design does not change
    assert (tmp_path / "offices.csv").read_bytes() == (csv_dir / "offices.csv").read_bytes()


def test_csv_format(csv_dir):
    for name, columns in CONTRACT_COLUMNS.items():
        raw = (csv_dir / f"{name}.csv").read_bytes()
        text = raw.decode("utf-8")
        assert "\r" not in text
        assert text.splitlines()[0] == ",".join(columns)
        frame = pd.read_csv(csv_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(frame.columns) == columns
        for column in DATE_COLUMNS.get(name, []):
            values = frame[column][frame[column] != ""]
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, column)
        for column in ID_COLUMNS.get(name, []):
            ids = frame[column]
            assert (ids.str.len() >= 5).all() and ids.str.contains("[A-Za-z]").all()
        numeric = [c for c in columns if c not in NOT_INTEGER
                   and frame[c].str.fullmatch(r"-?[\d.]*").all()]
        for column in numeric:  # integers are written without decimals
            assert not frame[column].str.contains(".", regex=False).any(), (name, column)
        assert not re.search(r"(?<!\d)\d{11}(?!\d)", text), name  # no national id numbers
    offices = (csv_dir / "offices.csv").read_text(encoding="utf-8")
    assert "NAV Røyken" in offices and "NAV Karmøy" in offices


def test_integer_columns_have_integer_dtypes(tables):
    survey = tables["survey"]
    assert str(survey["mastery_1"].dtype) == "Int64"
    assert str(survey["hours_per_week"].dtype) == "Int64"
    assert tables["participants"]["birth_year"].dtype.kind == "i"
    assert tables["se_log"]["minutes"].dtype.kind == "i"


@pytest.mark.parametrize("participants, seed, error", [
    (demo.MIN_PARTICIPANTS - 1, 1, ValueError),
    (100.0, 1, TypeError),
    ("100", 1, TypeError),
    (100, -1, ValueError),
    (100, 1.5, TypeError),
])
def test_bad_arguments_are_refused(participants, seed, error):
    with pytest.raises(error):
        demo.generate(participants=participants, seed=seed)


# --------------------------------------------------------------------------------------------
# Design: offices, sizes and allocation
# --------------------------------------------------------------------------------------------


def test_offices(tables):
    offices = tables["offices"].set_index("office")
    assert len(offices) == 12 and offices.index.is_unique
    klar_trial = ["moss", "rygge", "royken", "hurum"]
    assert (offices.loc[klar_trial, "method"] == "se").all()
    assert (offices.loc[klar_trial, "role"] == "trial").all()
    assert (offices.loc[["rakkestad", "sarpsborg", "modum"], "role"] == "reference").all()
    assert offices.loc[["rakkestad", "sarpsborg", "modum"], "method"].isna().all()
    assert offices.loc["haugesund", "method"] == "kor"
    assert offices.loc["karmoy", "method"] == "eok"
    assert (offices.loc[["lerkendal", "orkdal"], "method"] == "mi").all()
    assert offices.loc["jobbhuset", "method"] == "other"
    assert offices.loc["jobbhuset", "name"] == "Jobbhuset"
    assert set(offices["county"]) == {"ostfold", "buskerud", "rogaland", "sor_trondelag"}
    assert set(offices["project"]) == {"klar", "ungjobb", "sortrondelag"}
    assert offices["staff"].between(20, 120).all()


def test_default_sizes_and_allocation(tables):
    people = with_group(tables["participants"], tables["offices"])
    assert len(people) == demo.DEFAULT_PARTICIPANTS
    randomised = people[people["randomised"] == 1]
    assert 280 <= len(randomised) <= 320
    assert randomised["arm"].eq("treatment").mean() == pytest.approx(0.6, abs=0.03)
    project = people["office"].map(tables["offices"].set_index("office")["project"])
    for name in ("ungjobb", "sortrondelag"):
        assert 90 <= (project == name).sum() <= 110
    assert 90 <= (people["arm"] == "external_control").sum() <= 110


@pytest.mark.parametrize("participants", [demo.MIN_PARTICIPANTS, 101, 1234])
def test_participant_count_is_exact_and_proportions_kept(participants):
    t = demo.generate(participants=participants, seed=3)
    people = t["participants"]
    assert len(people) == participants
    assert people["participant_id"].is_unique
    share_randomised = people["randomised"].mean()
    assert share_randomised == pytest.approx(0.5, abs=1 / participants + 0.01)
    if participants >= 1000:
        randomised = people[people["randomised"] == 1]
        assert randomised["arm"].eq("treatment").mean() == pytest.approx(0.6, abs=0.02)
        assert (people["office"] == "jobbhuset").mean() < 0.01


def test_participant_values(tables):
    people = tables["participants"]
    assert people["gender"].isin(["kvinne", "mann"]).all()
    assert people["main_benefit"].isin(
        ["aap", "sosialhjelp", "kvp", "dagpenger", "ufore", "ingen", "annet"]).all()
    assert people["main_benefit"].value_counts().index[0] == "aap"
    assert people["education"].isin(["grunnskole", "vgs", "hoyere", "ukjent"]).all()
    assert people["immigrant"].isin([0, 1]).all()
    assert people["birth_year"].between(1950, 2005).all()
    assert people["enrolled_date"].between("2014-01-01", "2015-12-31").all()
    project = people["office"].map(tables["offices"].set_index("office")["project"])
    young = people[project != "klar"]
    age = young["enrolled_date"].dt.year - young["birth_year"]
    assert (age - 1).ge(18).all() and age.le(30).all()
    withdrawn = people.dropna(subset=["withdrawn_date"])
    assert (withdrawn["withdrawn_date"] > withdrawn["enrolled_date"]).all()
    assert 0.015 <= len(withdrawn) / len(people) <= 0.04


# --------------------------------------------------------------------------------------------
# Contract rules across columns and files
# --------------------------------------------------------------------------------------------


def test_arms_offices_and_randomisation(tables):
    people = tables["participants"]
    role = people["office"].map(tables["offices"].set_index("office")["role"])
    assert role.notna().all()
    assert (role[people["arm"] == "external_control"] == "reference").all()
    assert (role[people["arm"].isin(["treatment", "internal_control"])] == "trial").all()
    project = people["office"].map(tables["offices"].set_index("office")["project"])
    klar_randomised = people["arm"].isin(["treatment", "internal_control"]) & (project == "klar")
    assert (people["randomised"] == klar_randomised.astype(int)).all()


def test_ids_unique_and_references_exist(tables):
    people = tables["participants"]
    known = set(people["participant_id"])
    for name in ("survey", "se_log", "outcomes"):
        assert set(tables[name]["participant_id"]) <= known, name
    assert tables["outcomes"]["participant_id"].is_unique
    assert tables["se_log"]["log_id"].is_unique
    assert tables["employer_survey"]["employer_id"].is_unique
    assert not tables["survey"].duplicated(["participant_id", "wave"]).any()
    assert not tables["learning_survey"].duplicated(["respondent_id", "round"]).any()
    offices = set(tables["offices"]["office"])
    for name in ("participants", "learning_survey", "employer_survey"):
        assert set(tables[name]["office"]) <= offices, name


def test_survey_rules(tables):
    people = tables["participants"].set_index("participant_id")
    survey = tables["survey"]
    enrolled = survey["participant_id"].map(people["enrolled_date"])
    withdrawn = survey["participant_id"].map(people["withdrawn_date"])
    assert (survey["response_date"] >= enrolled).all()
    assert (survey["response_date"] <= FOLLOWUP).all()
    assert not (survey["response_date"] > withdrawn).any()
    assert withdrawn.notna().any()  # withdrawn people's answers exist (the pipeline drops them)
    for wave, offset in WAVE_OFFSET.items():
        days = (survey["response_date"] - enrolled)[survey["wave"] == wave].dt.days
        assert days.between(offset, offset + 30).all(), wave
    assert survey["wave"].isin(list(WAVE_OFFSET)).all()


def test_survey_item_values(tables):
    survey = tables["survey"]
    for name, (items, top, _, _) in SCALES.items():
        for i in range(1, items + 1):
            values = survey[f"{name}_{i}"].dropna()
            assert values.isin([*range(1, top + 1), 8, 9]).all(), (name, i)
            share = survey[f"{name}_{i}"].isin([8, 9]).mean() + survey[f"{name}_{i}"].isna().mean()
            assert 0.01 < share < 0.12
    assert survey["health"].dropna().isin([1, 2, 3, 4, 5, 8, 9]).all()
    assert survey["life_satisfaction"].dropna().between(0, 10).all()
    employment = survey["employment"]
    assert employment.dropna().isin(
        ["ordinary_paid", "subsidised", "education", "work_training", "none", "8", "9"]).all()
    assert employment.isna().any() and employment.isin(["8", "9"]).any()
    working = employment.isin(["ordinary_paid", "subsidised", "work_training"])
    assert survey.loc[~working, "hours_per_week"].isna().all()
    assert survey.loc[working, "hours_per_week"].dropna().between(0, 75).all()


def test_scales_are_reliable_at_t0(tables):
    t0 = tables["survey"][tables["survey"]["wave"] == "T0"]
    for name, (items, top, reversed_items, _) in SCALES.items():
        values = valid(t0[[f"{name}_{i}" for i in range(1, items + 1)]])
        for i in reversed_items:
            values[f"{name}_{i}"] = top + 1 - values[f"{name}_{i}"]
        assert 0.7 <= cronbach_alpha(values) <= 0.92, name


def test_negatively_worded_mastery_items_are_stored_reversed(tables):
    t0 = valid(tables["survey"].filter(like="mastery_"))
    corr = t0.corr()
    assert corr.loc["mastery_2", "mastery_5"] > 0.3  # both positively worded
    assert corr.loc["mastery_1", "mastery_3"] > 0.3  # both negatively worded
    assert corr.loc["mastery_1", "mastery_2"] < -0.3


def test_outcomes_rules(tables):
    people = tables["participants"].set_index("participant_id")
    outcomes = tables["outcomes"]
    assert 0.90 <= len(outcomes) / len(people) <= 0.99
    assert (outcomes["followup_date"] == FOLLOWUP).all()
    job = outcomes.dropna(subset=["first_job_date"])
    assert (job["first_job_date"] > job["participant_id"].map(people["enrolled_date"])).all()
    assert (job["first_job_date"] <= job["followup_date"]).all()
    assert outcomes["status"].isin(["ordinary_paid", "subsidised", "education", "aap",
                                    "sosialhjelp", "ufore", "other"]).all()
    employed = outcomes["first_job_date"].notna()
    assert (outcomes.loc[employed, "status"] == "ordinary_paid").mean() > 0.6
    assert (outcomes.loc[~employed, "status"] == "ordinary_paid").sum() == 0


def test_se_log_rules(tables):
    people = tables["participants"].set_index("participant_id")
    offices = tables["offices"].set_index("office")
    log = tables["se_log"]
    owner = people.loc[log["participant_id"]]
    assert (owner["arm"] == "treatment").all()
    assert (owner["office"].map(offices["method"]) == "se").all()
    assert (log["date"].to_numpy() >= owner["enrolled_date"].to_numpy()).all()
    end = owner["withdrawn_date"].fillna(FOLLOWUP).clip(upper=FOLLOWUP)
    assert (log["date"].to_numpy() <= end.to_numpy()).all()
    assert log["contact_type"].isin(["meeting", "phone", "sms", "email", "workplace_visit",
                                     "employer_meeting"]).all()
    assert log["counterpart"].isin(["participant", "employer", "both", "other_service"]).all()
    assert log["se_stage"].between(1, 5).all() and log["minutes"].between(0, 480).all()
    assert log.groupby("contact_type")["minutes"].mean()["sms"] < 10
    assert log.groupby("contact_type")["minutes"].mean()["meeting"] >= 30
    employer = log["counterpart"].isin(["employer", "both"])
    assert 0.20 <= employer.mean() <= 0.30
    by_stage = employer.groupby(log["se_stage"]).mean()
    assert by_stage.loc[[3, 4, 5]].min() > by_stage.loc[[1, 2]].max()
    # each SE participant in the log, with a main coach; 10-13 participants per main coach
    se_people = people[(people["arm"] == "treatment")
                       & (people["office"].map(offices["method"]) == "se")]
    assert set(log["participant_id"]) == set(se_people.index)
    main = log.groupby("participant_id")["coach_id"].agg(lambda s: s.mode().iloc[0])
    assert main.value_counts().between(8, 16).all()
    coaches = main.groupby(main.index.map(people["office"])).nunique()
    assert coaches.between(2, 6).all()


def test_se_stage_progresses(tables):
    followed = tables["outcomes"]["participant_id"]  # first job known
    log = tables["se_log"][tables["se_log"]["participant_id"].isin(followed)]
    enrolled = log["participant_id"].map(
        tables["participants"].set_index("participant_id")["enrolled_date"])
    first_job = log["participant_id"].map(
        tables["outcomes"].set_index("participant_id")["first_job_date"])
    days = (log["date"] - enrolled).dt.days
    before_job = ~(log["date"] >= first_job)
    assert (log.loc[(days < 14) & before_job, "se_stage"] == 1).all()
    assert days.groupby(log["se_stage"]).median().is_monotonic_increasing
    assert (log.loc[log["date"] >= first_job, "se_stage"] == 5).all()


def test_learning_survey(tables):
    learning = tables["learning_survey"]
    offices = tables["offices"].set_index("office")
    assert set(learning["office"]) == {"moss", "rygge", "royken", "hurum"}
    assert learning["round"].isin(["pre", "post"]).all()
    month = learning["response_date"].dt.month
    year = learning["response_date"].dt.year
    assert ((learning["round"] == "pre") == (year == 2014)).all()
    assert ((learning["round"] == "post") == (year == 2016)).all()
    assert month.between(2, 4).all()
    assert learning["role"].isin(["veileder", "jobbveileder", "leder", "annet"]).all()
    assert learning["tenure_years"].between(0, 45).all()
    assert learning["in_project"].isin([0, 1]).all()
    counts = learning.groupby(["office", "round"]).size().unstack()
    rate = counts.div(offices.loc[counts.index, "staff"], axis=0)
    assert rate.stack().between(0.5, 0.9).all()
    pre = set(learning.loc[learning["round"] == "pre", "respondent_id"])
    post = learning.loc[learning["round"] == "post", "respondent_id"]
    assert post.isin(pre).mean() == pytest.approx(0.5, abs=0.1)
    for scale in LEARNING_SCALES:
        values = learning[[f"{scale}_{i}" for i in range(1, 5)]]
        assert values.stack().dropna().isin([1, 2, 3, 4, 5, 8, 9]).all()


def test_employer_survey(tables):
    employers = tables["employer_survey"]
    assert 40 <= len(employers) <= 60
    assert set(employers["office"]) <= {"moss", "rygge", "royken", "hurum"}
    assert employers["response_date"].between("2015-01-01", "2016-12-31").all()
    assert employers["sector"].isin(["private", "public"]).all()
    assert employers["size"].isin(["1-9", "10-49", "50-249", "250+"]).all()
    items = employers[[f"followup_{i}" for i in range(1, 7)]]
    assert items.stack().dropna().isin([1, 2, 3, 4, 5, 8, 9]).all()
    assert employers["would_recommend"].isin([0, 1]).all()


# --------------------------------------------------------------------------------------------
# Guards that the default data must exercise (REPORT_SPEC.md, demo-data)
# --------------------------------------------------------------------------------------------


def test_withdrawals_before_and_after_the_interim_cutoff(tables):
    people = tables["participants"]
    withdrawn = people["withdrawn_date"]
    assert (withdrawn <= INTERIM_CUTOFF).sum() >= 2
    later = (withdrawn > INTERIM_CUTOFF) & (people["enrolled_date"] <= INTERIM_CUTOFF)
    assert later.sum() >= 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_withdrawal_guard_holds_for_any_seed(seed):
    people = demo.generate(seed=seed)["participants"]
    assert (people["withdrawn_date"] <= INTERIM_CUTOFF).sum() >= 2
    assert (people["withdrawn_date"] > INTERIM_CUTOFF).sum() >= 2


def test_some_office_has_fewer_than_five_participants(tables):
    counts = tables["participants"].groupby(["office", "arm"]).size()
    assert counts.min() < 5
    assert (tables["participants"]["office"] == "jobbhuset").sum() < 5


def test_attrition_flag_fires_at_t2(tables):
    rates = response_rates(tables, "T2")
    assert rates.min() < 0.70
    assert response_rates(tables, "T0").min() > 0.80
    assert rates["internal_control"] < rates["treatment"]


# --------------------------------------------------------------------------------------------
# Planted effects (large sample, compared with demo.PLANTED)
# --------------------------------------------------------------------------------------------


def test_planted_employment_shares(large):
    people = with_group(large["participants"], large["offices"])
    outcomes = large["outcomes"].merge(people, on="participant_id")
    shares = outcomes["first_job_date"].notna().groupby(outcomes["group"]).mean()
    for group, planted in demo.PLANTED["employment"].items():
        assert shares[group] == pytest.approx(planted, abs=0.03), group


def test_planted_hazard_ratio(large):
    # Exponential model: hazard = events / time at risk; the ratio estimates the planted HR.
    people = with_group(large["participants"], large["offices"])
    outcomes = large["outcomes"].merge(people, on="participant_id")
    end = outcomes["first_job_date"].fillna(outcomes["followup_date"])
    exposure = (end - outcomes["enrolled_date"]).dt.days
    events = outcomes["first_job_date"].notna()
    hazard = events.groupby(outcomes["group"]).sum() / exposure.groupby(outcomes["group"]).sum()
    ratio = hazard["treatment"] / hazard["internal_control"]
    assert ratio == pytest.approx(demo.PLANTED["time_to_work_hazard_ratio"], rel=0.12)


def test_planted_scale_changes(large):
    people = with_group(large["participants"], large["offices"])
    survey = large["survey"].merge(people[["participant_id", "group"]], on="participant_id")
    for name, (items, top, reversed_items, min_answered) in SCALES.items():
        score = scale_score(survey, name, items, top, reversed_items, min_answered)
        means = score.groupby([survey["group"], survey["wave"]]).mean().unstack()
        for group, change in demo.PLANTED["scale_change"][name].items():
            for wave, planted in change.items():
                observed = means.loc[group, wave] - means.loc[group, "T0"]
                assert observed == pytest.approx(planted, abs=0.05), (name, group, wave)


def test_planted_response_rates(large):
    # Realised rates can only be a little lower than planted: a wave dated after the extract
    # 2017-06-30 (none with enrolment up to 2015-12-31) or after a withdrawal is not answered.
    for wave in WAVE_OFFSET:
        rates = response_rates(large, wave, by="group")
        for group, planted in demo.PLANTED["response"][wave].items():
            assert planted - 0.04 <= rates[group] <= planted + 0.02, (wave, group)


def test_planted_contact_rate_and_log_size(large):
    people = large["participants"].set_index("participant_id")
    log = large["se_log"]
    se = people.loc[log["participant_id"].unique()]
    end = se["withdrawn_date"].fillna(FOLLOWUP).clip(upper=FOLLOWUP)
    months = (end - se["enrolled_date"]).dt.days / 30.4375
    contacts = log["participant_id"].value_counts().reindex(se.index)
    rate = (contacts / months)[months >= 1].mean()
    assert rate == pytest.approx(demo.PLANTED["se_contacts_per_month"], rel=0.05)
    # about 6 million rows at 100 000 participants: ~6000 SE participants here, followed
    # ~30 months on average (enrolment 2014-2015 to the extract 2017-06-30), 7 contacts a month
    assert 1.0e6 <= len(log) <= 1.5e6


def test_planted_learning_change():
    # Each round has about 150 answers; average the pre-post difference over 20 seeds.
    differences = {scale: [] for scale in LEARNING_SCALES}
    for seed in range(20):
        learning = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=seed)["learning_survey"]
        for scale in LEARNING_SCALES:
            score = scale_score(learning, scale, 4, 5, (), 3)
            means = score.groupby(learning["round"]).mean()
            differences[scale].append(means["post"] - means["pre"])
    for scale, planted in demo.PLANTED["learning_change"].items():
        assert np.mean(differences[scale]) == pytest.approx(planted, abs=0.06), scale
