"""The codebook: every input file, variable, type, code (with labels in Norwegian and English),
scale and missing-value rule of DATA_CONTRACT.md (version 2).

The loader validates with it and the reports label with it: there is no second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = 2

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
        """The variable's label; a question's is its wording: the wording the data delivery
        brought (its ``wording`` file, installed by :func:`use_wording`) where it brought one,
        else the codebook's."""
        delivered = _DELIVERED_WORDING.get(self.name)
        if delivered is not None:
            return delivered[1 if language == "en" else 0]
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
    #: the answer scale's end points ((low nb, low en), (high nb, high en)), as the contract
    #: gives them; empty when it does not
    anchors: tuple[tuple[str, str], ...] = ()

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
    #: an extension of the data contract (version 2) that a delivery may leave out without a
    #: word, and that holds no participant data (no ids, nothing cut off or filtered)
    extension: bool = False

    def var(self, name: str) -> Var:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        return [v.name for v in self.variables]


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
    # mastery_1 … mastery_7: the question wording (nb, en)
    *(Var(f"mastery_{i}", "item", nb, en, nullable=True, low=1, high=4,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Det finnes egentlig ingen måte jeg kan løse noen av problemene mine på",
         "There is really no way I can solve some of the problems I have"),
        ("Jeg kan klare omtrent hva som helst hvis jeg virkelig bestemmer meg for det",
         "I can do just about anything I really set my mind to do"),
        ("Av og til føler jeg at jeg blir dyttet rundt i livet",
         "Sometimes I feel that I am being pushed around in life"),
        ("Jeg har liten kontroll over det som skjer med meg",
         "I have little control over the things that happen to me"),
        ("Hva som skjer med meg i framtiden, avhenger stort sett av meg selv",
         "What happens to me in the future mostly depends on me"),
        ("Jeg føler meg ofte hjelpeløs når jeg skal takle problemer i livet",
         "I often feel helpless in dealing with the problems of life"),
        ("Det er lite jeg kan gjøre for å endre mange av de viktige tingene i livet mitt",
         "There is little I can do to change many of the important things in my life"),
    ), start=1)),
    # satisfaction_1 … satisfaction_5: the question wording (nb, en)
    *(Var(f"satisfaction_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Fornøyd med oppfølgingen fra NAV samlet sett",
         "Satisfied with the follow-up from NAV overall"),
        ("Fornøyd med hvor lett det er å få kontakt med veilederen",
         "Satisfied with how easy it is to reach the adviser"),
        ("Fornøyd med hvordan veilederen forstår situasjonen min",
         "Satisfied with how the adviser understands my situation"),
        ("Fornøyd med hjelpen til å finne og søke jobber",
         "Satisfied with the help to find and apply for jobs"),
        ("Fornøyd med informasjonen om tiltak og rettigheter",
         "Satisfied with the information on services and rights"),
    ), start=1)),
    # participation_1 … participation_4: the question wording (nb, en)
    *(Var(f"participation_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Jeg blir lyttet til i oppfølgingen min",
         "I am listened to in my follow-up"),
        ("Jeg er med på å bestemme målene for oppfølgingen",
         "I take part in setting the goals of my follow-up"),
        ("Jeg er med på å velge tiltak og aktiviteter",
         "I take part in choosing services and activities"),
        ("Jeg kan si fra når noe ikke fungerer",
         "I can say so when something does not work"),
    ), start=1)),
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
    # arenas_1 … arenas_4: the question wording (nb, en)
    *(Var(f"arenas_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Vi har faste møteplasser for å dele erfaringer",
         "We have regular meeting places to share experience"),
        ("Jeg får metodeveiledning når jeg trenger det",
         "I get method guidance when I need it"),
        ("Vi drøfter saker sammen på tvers av fag",
         "We discuss cases together across disciplines"),
        ("Møteplassene gir meg noe jeg kan bruke i arbeidet",
         "The meeting places give me something I can use in my work"),
    ), start=1)),
    # sharing_1 … sharing_4: the question wording (nb, en)
    *(Var(f"sharing_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Kollegene mine deler det de lærer",
         "My colleagues share what they learn"),
        ("Jeg deler erfaringer fra egne saker med andre",
         "I share experience from my own cases with others"),
        ("Erfaringene fra forsøket når resten av kontoret",
         "The experience from the trial reaches the rest of the office"),
        ("Ledelsen legger til rette for kunnskapsdeling",
         "Management makes room for knowledge sharing"),
    ), start=1)),
    # research_1 … research_4: the question wording (nb, en)
    *(Var(f"research_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Jeg leser forskning som er relevant for arbeidet mitt",
         "I read research that is relevant to my work"),
        ("Vi bruker forskning når vi velger arbeidsmåter",
         "We use research when we choose how to work"),
        ("Jeg vet hvor jeg finner kunnskap om hva som virker",
         "I know where to find knowledge about what works"),
        ("Forskere og praktikere samarbeider i prosjektet",
         "Researchers and practitioners work together in the project"),
    ), start=1)),
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
    # followup_1 … followup_6: the question wording (nb, en)
    *(Var(f"followup_{i}", "item", nb, en, nullable=True, low=1, high=5,
          missing_codes=True) for i, (nb, en) in enumerate((
        ("Jobbspesialisten var lett å få tak i",
         "The job coach was easy to reach"),
        ("Jobbspesialisten forsto arbeidsplassens behov",
         "The job coach understood the workplace's needs"),
        ("Vi fikk hjelp til å tilpasse arbeidsoppgavene",
         "We got help to adapt the tasks"),
        ("Oppfølgingen av arbeidstakeren var god nok",
         "The follow-up of the employee was good enough"),
        ("Vi fikk raskt hjelp når det oppsto problemer",
         "We got help quickly when problems arose"),
        ("Samarbeidet med NAV var samlet sett godt",
         "Overall, the cooperation with NAV was good"),
    ), start=1)),
    Var("would_recommend", "binary", "Vil anbefale", "Would recommend"),
), date_column="response_date")

def _worded(prefix: str, kind: str, low: float, high: float, missing: bool,
            wording: tuple[tuple[str, str], ...]) -> tuple[Var, ...]:
    """Items with their own wording (nb, en), numbered ``<prefix>_1`` … in order."""
    return tuple(
        Var(f"{prefix}_{i}", kind, nb, en, nullable=True, low=low, high=high,
            missing_codes=missing)
        for i, (nb, en) in enumerate(wording, start=1)
    )


#: KOR (klient- og resultatstyrt praksis): the Outcome Rating Scale before and the Session
#: Rating Scale after each conversation (Miller, Duncan et al. 2003; Duncan et al. 2003).
ORS_ITEMS = ("ors_individual", "ors_interpersonal", "ors_social", "ors_overall")
SRS_ITEMS = ("srs_relationship", "srs_goals", "srs_approach", "srs_overall")
ORS_CUTOFF = 25.0        # clinical cut-off for adults (the Ung@jobb participants are 18-30)
ORS_RELIABLE_CHANGE = 5.0
SRS_CUTOFF = 36.0        # an SRS below this signals a concern with the working alliance

SESSION_FEEDBACK = FileSpec("session_feedback", False, "KOR-skjemaer", "KOR session feedback", (
    Var("participant_id", "id", "Deltaker-id", "Participant id",
        references=("participants", "participant_id")),
    Var("session_date", "date", "Samtaledato", "Session date"),
    Var("session_no", "int", "Samtalenummer", "Session number", low=1, high=999),
    Var("ors_individual", "number", "ORS: Individuelt (personlig velvære)",
        "ORS: Individually (personal well-being)", nullable=True, low=0, high=10),
    Var("ors_interpersonal", "number", "ORS: Mellommenneskelig (familie, nære relasjoner)",
        "ORS: Interpersonally (family, close relationships)", nullable=True, low=0, high=10),
    Var("ors_social", "number", "ORS: Sosialt (arbeid, skole, venner)",
        "ORS: Socially (work, school, friendship)", nullable=True, low=0, high=10),
    Var("ors_overall", "number", "ORS: Generelt (alt i alt)",
        "ORS: Overall (general sense of well-being)", nullable=True, low=0, high=10),
    Var("srs_relationship", "number", "SRS: Relasjon (følte meg hørt, forstått og respektert)",
        "SRS: Relationship (felt heard, understood and respected)", nullable=True, low=0,
        high=10),
    Var("srs_goals", "number", "SRS: Mål og tema (snakket om det jeg ønsket)",
        "SRS: Goals and topics (worked on what I wanted to talk about)", nullable=True, low=0,
        high=10),
    Var("srs_approach", "number", "SRS: Tilnærming eller metode (passet for meg)",
        "SRS: Approach or method (a good fit for me)", nullable=True, low=0, high=10),
    Var("srs_overall", "number", "SRS: Generelt (samtalen var riktig for meg i dag)",
        "SRS: Overall (today's session was right for me)", nullable=True, low=0, high=10),
), date_column="session_date")

ACTOR_ROUNDS = ("first", "second")
ACTOR_SCALES = ("collaboration", "learning", "organisation")
ACTOR_PARTIES = ("praksis", "bruker", "forskning", "utdanning", "annet")

ACTOR_SURVEY = FileSpec("actor_survey", False, "Aktørundersøkelsen", "Actor survey", (
    Var("respondent_id", "id", "Respondent-id", "Respondent id"),
    Var("round", "code", "Runde", "Round", codes={
        "first": ("første runde (våren 2016)", "first round (spring 2016)"),
        "second": ("andre runde (våren 2017)", "second round (spring 2017)")}),
    Var("response_date", "date", "Svardato", "Response date"),
    Var("project", "code", "Prosjekt", "Project", codes=OFFICES.var("project").codes),
    Var("party", "code", "Part", "Party", codes={
        "praksis": ("praksis (NAV-ansatte og ledere)", "practice (NAV staff and managers)"),
        "bruker": ("brukere og brukerorganisasjoner", "users and user organisations"),
        "forskning": ("forskning", "research"),
        "utdanning": ("utdanning (høgskoler)", "education (university colleges)"),
        "annet": ("annet (fylke, direktorat)", "other (county office, directorate)")}),
    *_worded("collaboration", "item", 1, 5, True, (
        ("Samarbeidet er et likeverdig partnerskap mellom partene",
         "The collaboration is an equal partnership between the parties"),
        ("Min part blir hørt i samarbeidet", "My party is heard in the collaboration"),
        ("Partene har felles mål for prosjektet", "The parties share the project's goals"),
        ("Rollene i samarbeidet er tydelige", "The roles in the collaboration are clear"),
        ("Det er tillit mellom partene", "There is trust between the parties"))),
    *_worded("learning", "item", 1, 5, True, (
        ("Det finnes faste arenaer for felles læring", "There are regular arenas for shared learning"),
        ("Partene gir hverandre tilbakemeldinger", "The parties give each other feedback"),
        ("Forskning brukes i utviklingen av praksis", "Research is used to develop practice"),
        ("Erfaringene spres ut over forsøket", "The experience spreads beyond the trial"))),
    *_worded("organisation", "item", 1, 5, True, (
        ("Prosjektet er forankret i ledelsen", "The project is anchored with management"),
        ("Styringsgruppen fungerer godt", "The steering group works well"),
        ("Prosjektet har tilstrekkelige ressurser", "The project has sufficient resources"),
        ("Arbeidet vil bli videreført etter forsøket",
         "The work will be continued after the trial"))),
    Var("overall", "item", "Samlet nytte av prosjektet", "Overall benefit of the project",
        nullable=True, low=1, high=5, missing_codes=True),
), date_column="response_date")

#: The questionnaires' wording as the forms that were used put it (an extension of contract
#: version 2 that a delivery may leave out): one row per question (``variable``: an item, or
#: one of :data:`OTHER_QUESTIONS`), its wording in Norwegian and in English. Where
#: it gives a question's wording, the report labels the question with it everywhere and the
#: codebook appendix says the wording was delivered with the data (docs/data-contract.md).
WORDING = FileSpec("wording", False, "Spørsmålenes ordlyd", "Question wording", (
    Var("variable", "text", "Spørsmålet (variabelen i kodeboken)",
        "The question (its variable in the codebook)", unique=True),
    Var("wording_nb", "text", "Ordlyd på norsk (bokmål)", "Wording in Norwegian (bokmål)"),
    Var("wording_en", "text", "Ordlyd på engelsk", "Wording in English"),
), extension=True)

FILES: dict[str, FileSpec] = {f.name: f for f in (
    OFFICES, PARTICIPANTS, SURVEY, SE_LOG, OUTCOMES, LEARNING_SURVEY, EMPLOYER_SURVEY,
    SESSION_FEEDBACK, ACTOR_SURVEY, WORDING)}

#: Questions that are not 1–5 items: their label is a question's wording too.
OTHER_QUESTIONS = ("life_satisfaction", "would_recommend", *ORS_ITEMS, *SRS_ITEMS)


def is_question(name: str) -> bool:
    """True for a variable whose label is the wording of a question put to a respondent (an
    ``item`` of a contract file, or one of :data:`OTHER_QUESTIONS`)."""
    kinds = {v.name: v.kind for f in FILES.values() for v in f.variables}
    return kinds.get(name) == "item" or name in OTHER_QUESTIONS


#: The wording the data delivery brought (its ``wording`` file): question → (nb, en). Empty
#: unless :func:`use_wording` installed it: a chapter does, from the stage it opens
#: (``pku_eval.chapter``), so that its figures, tables and the codebook appendix label those
#: questions with it.
_DELIVERED_WORDING: dict[str, tuple[str, str]] = {}


def use_wording(wording=None) -> None:
    """Label the questions with ``wording`` (question → (nb, en), as the stage carries it from
    the delivery's ``wording`` file) from now on, in place of any installed before; ``None``
    or empty: the codebook's own wording."""
    _DELIVERED_WORDING.clear()
    _DELIVERED_WORDING.update({str(k): (str(v[0]), str(v[1])) for k, v in (wording or {}).items()})


def delivered_wording(name: str) -> tuple[str, str] | None:
    """The (nb, en) wording the delivery brought for question ``name``; None when it brought
    none (the codebook's wording is used)."""
    return _DELIVERED_WORDING.get(name)

_DEGREE = (("i svært liten grad", "to a very small degree"),
           ("i svært stor grad", "to a very large degree"))
_DEGREE_NONE = (("ikke i det hele tatt", "not at all"),
                ("i svært stor grad", "to a very large degree"))

SCALES: dict[str, Scale] = {s.name: s for s in (
    Scale("mastery", "survey", tuple(f"mastery_{i}" for i in range(1, 8)), 5,
          "Mestring", "Mastery",
          reversed_items=("mastery_1", "mastery_3", "mastery_4", "mastery_6", "mastery_7"),
          low=1, high=4, anchors=(("svært uenig", "strongly disagree"),
                                  ("svært enig", "strongly agree"))),
    Scale("satisfaction", "survey", tuple(f"satisfaction_{i}" for i in range(1, 6)), 4,
          "Tilfredshet med oppfølgingen", "Satisfaction with follow-up",
          anchors=(("svært misfornøyd", "very dissatisfied"), ("svært fornøyd", "very satisfied"))),
    Scale("participation", "survey", tuple(f"participation_{i}" for i in range(1, 5)), 3,
          "Brukermedvirkning", "User participation", anchors=_DEGREE_NONE),
    Scale("arenas", "learning_survey", tuple(f"arenas_{i}" for i in range(1, 5)), 3,
          "Læringsarenaer", "Learning arenas"),
    Scale("sharing", "learning_survey", tuple(f"sharing_{i}" for i in range(1, 5)), 3,
          "Kunnskapsdeling", "Knowledge sharing"),
    Scale("research", "learning_survey", tuple(f"research_{i}" for i in range(1, 5)), 3,
          "Forskningsbruk", "Use of research"),
    Scale("collaboration", "actor_survey", tuple(f"collaboration_{i}" for i in range(1, 6)), 4,
          "Firepartssamarbeid", "Four-party collaboration", anchors=_DEGREE),
    Scale("learning", "actor_survey", tuple(f"learning_{i}" for i in range(1, 5)), 3,
          "Læringssystem", "Learning system", anchors=_DEGREE),
    Scale("organisation", "actor_survey", tuple(f"organisation_{i}" for i in range(1, 5)), 3,
          "Organisering", "Organisation", anchors=_DEGREE),
)}

SURVEY_SCALES = ("mastery", "satisfaction", "participation")
LEARNING_SCALES = ("arenas", "sharing", "research")
ID_COLUMNS = ("participant_id", "respondent_id", "employer_id", "coach_id", "log_id")


def arm_label(arm: str, language: str = "nb") -> str:
    return PARTICIPANTS.var("arm").code_label(arm, language)


def office_label(office: str, language: str = "nb") -> str:
    return OFFICE_CODES.get(office, (office, office))[0 if language != "en" else 1]
