"""The codebook: every input file, variable, type, code (with labels in Norwegian and English),
scale and missing-value rule of DATA_CONTRACT.md (version 1).

The loader validates with it and the reports label with it: there is no second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = 1

#: Questionnaire missing codes (only in items whose valid range lies within 1–5, and ``employment``).
MISSING_CODES = {8: {"nb": "vet ikke", "en": "don't know"},
                 9: {"nb": "ikke svart", "en": "not answered"}}

ARMS = ("treatment", "internal_control", "external_control")
WAVES = ("T0", "T1", "T2")
#: A month in the report's definitions (months followed, the horizon): 30.4375 days.
DAYS_PER_MONTH = 30.4375
#: Offset in days from enrolment at which a wave falls due (REPORT_SPEC.md "Due").
WAVE_OFFSET_DAYS = {"T0": 0, "T1": 183, "T2": 365}


@dataclass(frozen=True)
class Var:
    """One column of an input file.

    kind: ``id`` | ``code`` | ``date`` | ``int`` | ``number`` | ``binary`` | ``item`` | ``text``.
    ``item`` is a questionnaire item whose values 8/9 are missing codes (range within 1–5).
    """

    name: str
    kind: str
    label_nb: str
    label_en: str
    required: bool = True           # the column must exist in the file
    nullable: bool = False          # an empty cell is allowed
    codes: dict[str, tuple[str, str]] | None = None  # code -> (nb, en)
    low: float | None = None
    high: float | None = None
    missing_codes: bool = False     # 8/9 are missing codes (items, health, employment)
    unique: bool = False
    references: tuple[str, str] | None = None  # (file, column) this id/code must exist in

    def label(self, language: str = "nb") -> str:
        return self.label_en if language == "en" else self.label_nb

    def code_label(self, code: str, language: str = "nb") -> str:
        if not self.codes or code not in self.codes:
            return str(code)
        nb, en = self.codes[code]
        return en if language == "en" else nb


@dataclass(frozen=True)
class Scale:
    """A summated scale: mean of items (reversed where needed) when enough items are answered."""

    name: str
    file: str
    items: tuple[str, ...]
    min_items: int
    label_nb: str
    label_en: str
    reversed_items: tuple[str, ...] = ()
    low: int = 1
    high: int = 5

    def label(self, language: str = "nb") -> str:
        return self.label_en if language == "en" else self.label_nb


@dataclass(frozen=True)
class FileSpec:
    name: str
    required: bool
    label_nb: str
    label_en: str
    variables: tuple[Var, ...] = field(default_factory=tuple)
    date_column: str | None = None   # rows dated after the cut-off are not used

    def var(self, name: str) -> Var:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        return [v.name for v in self.variables]


def _items(prefix: str, n: int, low: int, high: int, nb: str, en: str) -> tuple[Var, ...]:
    return tuple(
        Var(f"{prefix}_{i}", "item", f"{nb} {i}", f"{en} {i}", nullable=True, low=low,
            high=high, missing_codes=True)
        for i in range(1, n + 1)
    )


OFFICE_CODES = {
    "moss": ("NAV Moss", "NAV Moss"), "rygge": ("NAV Rygge", "NAV Rygge"),
    "royken": ("NAV Røyken", "NAV Røyken"), "hurum": ("NAV Hurum", "NAV Hurum"),
    "rakkestad": ("NAV Rakkestad", "NAV Rakkestad"),
    "sarpsborg": ("NAV Sarpsborg", "NAV Sarpsborg"), "modum": ("NAV Modum", "NAV Modum"),
    "haugesund": ("NAV Haugesund", "NAV Haugesund"), "karmoy": ("NAV Karmøy", "NAV Karmøy"),
    "lerkendal": ("NAV Lerkendal", "NAV Lerkendal"), "orkdal": ("NAV Orkdal", "NAV Orkdal"),
    "jobbhuset": ("Jobbhuset", "Jobbhuset"),
}

ARM_CODES = {
    "treatment": ("tiltaksgruppe", "treatment"),
    "internal_control": ("intern kontrollgruppe", "internal control"),
    "external_control": ("ekstern kontrollgruppe", "external control"),
}

EMPLOYMENT_CODES = {
    "ordinary_paid": ("ordinært lønnet arbeid", "ordinary paid work"),
    "subsidised": ("arbeid med lønnstilskudd", "subsidised work"),
    "education": ("utdanning", "education"),
    "work_training": ("arbeidstrening", "work training"),
    "none": ("ingen aktivitet", "none"),
}

OFFICES = FileSpec("offices", True, "Kontorer", "Offices", (
    Var("office", "code", "Kontor", "Office", unique=True),
    Var("name", "text", "Navn", "Name"),
    Var("county", "code", "Fylke", "County", codes={
        "ostfold": ("Østfold", "Østfold"), "buskerud": ("Buskerud", "Buskerud"),
        "rogaland": ("Rogaland", "Rogaland"), "sor_trondelag": ("Sør-Trøndelag", "Sør-Trøndelag")}),
    Var("project", "code", "Prosjekt", "Project", codes={
        "klar": ("KLAR", "KLAR"), "ungjobb": ("Ung@jobb", "Ung@jobb"),
        "sortrondelag": ("Sør-Trøndelag", "Sør-Trøndelag")}),
    Var("role", "code", "Rolle", "Role", codes={
        "trial": ("forsøkskontor", "trial office"),
        "reference": ("referansekontor", "reference office")}),
    Var("method", "code", "Metode", "Method", nullable=True, codes={
        "se": ("Supported Employment", "Supported Employment"),
        "kor": ("KOR (klient- og resultatstyrt praksis)", "KOR (client- and outcome-directed)"),
        "eok": ("endringsorientert kartlegging", "change-oriented mapping"),
        "mi": ("motiverende intervju", "motivational interviewing"),
        "other": ("annet", "other")}),
    Var("staff", "int", "Ansatte", "Staff", low=0, high=100000),
))

PARTICIPANTS = FileSpec("participants", True, "Deltakere", "Participants", (
    Var("participant_id", "id", "Deltaker-id", "Participant id", unique=True),
    Var("office", "code", "Kontor", "Office", references=("offices", "office")),
    Var("arm", "code", "Gruppe", "Arm", codes=ARM_CODES),
    Var("randomised", "binary", "Randomisert", "Randomised"),
    Var("enrolled_date", "date", "Dato for inklusjon", "Enrolment date"),
    Var("birth_year", "int", "Fødselsår", "Birth year", low=1950, high=2005),
    Var("gender", "code", "Kjønn", "Gender", codes={
        "kvinne": ("kvinne", "woman"), "mann": ("mann", "man")}),
    Var("main_benefit", "code", "Hovedytelse", "Main benefit", codes={
        "aap": ("arbeidsavklaringspenger", "work assessment allowance"),
        "sosialhjelp": ("sosialhjelp", "social assistance"),
        "kvp": ("kvalifiseringsprogram", "qualification programme"),
        "dagpenger": ("dagpenger", "unemployment benefit"),
        "ufore": ("uføretrygd", "disability benefit"),
        "ingen": ("ingen ytelse", "no benefit"), "annet": ("annet", "other")}),
    Var("education", "code", "Utdanning", "Education", codes={
        "grunnskole": ("grunnskole", "compulsory school"),
        "vgs": ("videregående skole", "upper secondary"),
        "hoyere": ("høyere utdanning", "higher education"), "ukjent": ("ukjent", "unknown")}),
    Var("immigrant", "binary", "Innvandrerbakgrunn", "Immigrant background"),
    Var("withdrawn_date", "date", "Samtykke trukket", "Consent withdrawn", nullable=True),
))

SURVEY = FileSpec("survey", False, "Deltakerundersøkelsen", "Participant survey", (
    Var("participant_id", "id", "Deltaker-id", "Participant id",
        references=("participants", "participant_id")),
    Var("wave", "code", "Måletidspunkt", "Wave",
        codes={w: (w, w) for w in WAVES}),
    Var("response_date", "date", "Svardato", "Response date"),
    Var("employment", "code", "Arbeidssituasjon", "Employment", nullable=True,
        codes=EMPLOYMENT_CODES, missing_codes=True),
    Var("hours_per_week", "number", "Timer per uke", "Hours per week", nullable=True,
        low=0, high=75),
    *_items("mastery", 7, 1, 4, "Mestring", "Mastery"),
    *_items("satisfaction", 5, 1, 5, "Tilfredshet", "Satisfaction"),
    *_items("participation", 4, 1, 5, "Brukermedvirkning", "Participation"),
    Var("health", "item", "Egenvurdert helse", "Self-rated health", nullable=True, low=1,
        high=5, missing_codes=True),
    Var("life_satisfaction", "int", "Livstilfredshet", "Life satisfaction", nullable=True,
        low=0, high=10),
), date_column="response_date")

SE_LOG = FileSpec("se_log", False, "SE-logg", "SE log", (
    Var("log_id", "id", "Logg-id", "Log id", unique=True),
    Var("participant_id", "id", "Deltaker-id", "Participant id",
        references=("participants", "participant_id")),
    Var("coach_id", "id", "Jobbspesialist-id", "Job coach id"),
    Var("date", "date", "Dato", "Date"),
    Var("contact_type", "code", "Kontaktform", "Contact type", codes={
        "meeting": ("møte", "meeting"), "phone": ("telefon", "phone"), "sms": ("SMS", "text message"),
        "email": ("e-post", "e-mail"), "workplace_visit": ("arbeidsplassbesøk", "workplace visit"),
        "employer_meeting": ("arbeidsgivermøte", "employer meeting")}),
    Var("counterpart", "code", "Kontakt med", "Counterpart", codes={
        "participant": ("deltaker", "participant"), "employer": ("arbeidsgiver", "employer"),
        "both": ("begge", "both"), "other_service": ("annen tjeneste", "other service")}),
    Var("se_stage", "int", "SE-fase", "SE stage", low=1, high=5),
    Var("minutes", "int", "Minutter", "Minutes", low=0, high=480),
), date_column="date")

OUTCOMES = FileSpec("outcomes", False, "Registerutfall", "Register outcomes", (
    Var("participant_id", "id", "Deltaker-id", "Participant id", unique=True,
        references=("participants", "participant_id")),
    Var("followup_date", "date", "Uttrekksdato", "Follow-up date"),
    Var("first_job_date", "date", "Første dag i jobb", "First day in work", nullable=True),
    Var("status", "code", "Status", "Status", codes={
        "ordinary_paid": ("ordinært lønnet arbeid", "ordinary paid work"),
        "subsidised": ("arbeid med lønnstilskudd", "subsidised work"),
        "education": ("utdanning", "education"),
        "aap": ("arbeidsavklaringspenger", "work assessment allowance"),
        "sosialhjelp": ("sosialhjelp", "social assistance"),
        "ufore": ("uføretrygd", "disability benefit"), "other": ("annet", "other")}),
))

LEARNING_SURVEY = FileSpec("learning_survey", False, "Lærings­undersøkelsen",
                           "Learning-system questionnaire", (
    Var("respondent_id", "id", "Respondent-id", "Respondent id"),
    Var("office", "code", "Kontor", "Office", references=("offices", "office")),
    Var("round", "code", "Runde", "Round", codes={
        "pre": ("før", "before"), "post": ("etter", "after")}),
    Var("response_date", "date", "Svardato", "Response date"),
    Var("role", "code", "Stilling", "Role", codes={
        "veileder": ("veileder", "adviser"), "jobbveileder": ("jobbspesialist", "job coach"),
        "leder": ("leder", "manager"), "annet": ("annet", "other")}),
    Var("tenure_years", "number", "Ansiennitet (år)", "Tenure (years)", low=0, high=45),
    Var("in_project", "binary", "Med i forsøket", "In the trial"),
    *_items("arenas", 4, 1, 5, "Læringsarenaer", "Learning arenas"),
    *_items("sharing", 4, 1, 5, "Kunnskapsdeling", "Knowledge sharing"),
    *_items("research", 4, 1, 5, "Forskningsbruk", "Use of research"),
), date_column="response_date")

EMPLOYER_SURVEY = FileSpec("employer_survey", False, "Arbeidsgiverundersøkelsen",
                           "Employer questionnaire", (
    Var("employer_id", "id", "Arbeidsgiver-id", "Employer id", unique=True),
    Var("office", "code", "Kontor", "Office", references=("offices", "office")),
    Var("response_date", "date", "Svardato", "Response date"),
    Var("sector", "code", "Sektor", "Sector", codes={
        "private": ("privat", "private"), "public": ("offentlig", "public")}),
    Var("size", "code", "Størrelse", "Size", codes={
        "1-9": ("1–9", "1–9"), "10-49": ("10–49", "10–49"), "50-249": ("50–249", "50–249"),
        "250+": ("250+", "250+")}),
    *_items("followup", 6, 1, 5, "Oppfølging", "Follow-up"),
    Var("would_recommend", "binary", "Vil anbefale", "Would recommend"),
), date_column="response_date")

FILES: dict[str, FileSpec] = {f.name: f for f in (
    OFFICES, PARTICIPANTS, SURVEY, SE_LOG, OUTCOMES, LEARNING_SURVEY, EMPLOYER_SURVEY)}

SCALES: dict[str, Scale] = {s.name: s for s in (
    Scale("mastery", "survey", tuple(f"mastery_{i}" for i in range(1, 8)), 5,
          "Mestring", "Mastery",
          reversed_items=("mastery_1", "mastery_3", "mastery_4", "mastery_6", "mastery_7"),
          low=1, high=4),
    Scale("satisfaction", "survey", tuple(f"satisfaction_{i}" for i in range(1, 6)), 4,
          "Tilfredshet med oppfølgingen", "Satisfaction with follow-up"),
    Scale("participation", "survey", tuple(f"participation_{i}" for i in range(1, 5)), 3,
          "Brukermedvirkning", "User participation"),
    Scale("arenas", "learning_survey", tuple(f"arenas_{i}" for i in range(1, 5)), 3,
          "Læringsarenaer", "Learning arenas"),
    Scale("sharing", "learning_survey", tuple(f"sharing_{i}" for i in range(1, 5)), 3,
          "Kunnskapsdeling", "Knowledge sharing"),
    Scale("research", "learning_survey", tuple(f"research_{i}" for i in range(1, 5)), 3,
          "Forskningsbruk", "Use of research"),
)}

SURVEY_SCALES = ("mastery", "satisfaction", "participation")
LEARNING_SCALES = ("arenas", "sharing", "research")
ID_COLUMNS = ("participant_id", "respondent_id", "employer_id", "coach_id", "log_id")


def arm_label(arm: str, language: str = "nb") -> str:
    return PARTICIPANTS.var("arm").code_label(arm, language)


def office_label(office: str, language: str = "nb") -> str:
    return OFFICE_CODES.get(office, (office, office))[0 if language != "en" else 1]


# ---------------------------------------------------------------- the data dictionary

KIND_LABEL = {
    "id": ("id (tekst, minst 5 tegn med minst én bokstav)", "id (text, at least 5 characters with a letter)"),
    "code": ("kode", "code"), "date": ("dato ÅÅÅÅ-MM-DD", "date YYYY-MM-DD"),
    "int": ("heltall", "whole number"), "number": ("tall", "number"),
    "binary": ("0/1", "0/1"), "item": ("spørsmål (heltall)", "item (whole number)"),
    "text": ("tekst", "text"),
}


def dictionary(language: str = "nb") -> list[dict]:
    """One row per variable of every contract file: the data dictionary (codebook) that the
    validator checks against, for people."""
    en = language == "en"
    scale_of = {item: s for s in SCALES.values() for item in s.items}
    rows = []
    for spec in FILES.values():
        for v in spec.variables:
            codes = ""
            if v.codes:
                codes = "; ".join(f"{c} = {v.code_label(c, language)}" for c in v.codes)
            rng = ""
            if v.kind == "binary":
                rng = "0–1"
            elif v.low is not None:
                rng = f"{v.low:g}–{v.high:g}"
            missing = ("8 = " + MISSING_CODES[8]["en" if en else "nb"] + ", 9 = "
                       + MISSING_CODES[9]["en" if en else "nb"]
                       + (", empty" if en else ", tom celle")) if v.missing_codes else (
                ("empty cell" if en else "tom celle") if v.nullable else
                ("not allowed" if en else "ikke tillatt"))
            scale = scale_of.get(v.name)
            scale_txt = ""
            if scale is not None:
                scale_txt = scale.label(language)
                if v.name in scale.reversed_items:
                    scale_txt += " (reversed)" if en else " (snus)"
            rows.append({
                "file": spec.name, "required_file": spec.required, "variable": v.name,
                "label": v.label(language), "type": KIND_LABEL[v.kind][1 if en else 0],
                "range": rng, "codes": codes, "missing": missing, "scale": scale_txt,
                "unique": v.unique,
                "references": f"{v.references[0]}.{v.references[1]}" if v.references else "",
            })
    return rows


def scale_rows(language: str = "nb") -> list[dict]:
    """One row per scale: items, reversed items, the min-items rule."""
    return [{"scale": s.name, "label": s.label(language), "file": s.file,
             "items": ", ".join(s.items), "reversed": ", ".join(s.reversed_items) or "–",
             "min_items": f"{s.min_items} / {len(s.items)}", "range": f"{s.low}–{s.high}"}
            for s in SCALES.values()]
