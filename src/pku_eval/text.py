"""Every generated sentence, heading and caption in Norwegian (nb) and English (en), and the one
formatting helper for numbers in prose and tables.

Norwegian style: decimal comma, narrow no-break space as thousands separator, "45 %",
"95 % KI". English style: decimal point, comma thousands separator, "45%", "95% CI".
"""

from __future__ import annotations

import math

from .codebook import arm_label

THIN = "\u202f"  # narrow no-break space

STRINGS: dict[str, dict[str, str]] = {
    # report frame
    "contents": {"nb": "Innhold", "en": "Contents"},
    "stage_interim": {"nb": "Delrapport", "en": "Interim report"},
    "stage_final": {"nb": "Sluttrapport", "en": "Final report"},
    "cutoff": {"nb": "Datagrunnlag til og med", "en": "Data up to and including"},
    "built": {"nb": "Bygget", "en": "Built"},
    "chapter": {"nb": "Kapittel", "en": "Chapter"},
    "figure": {"nb": "Figur", "en": "Figure"},
    "table": {"nb": "Tabell", "en": "Table"},
    "source": {"nb": "Kilde", "en": "Source"},
    "suppressed_note": {
        "nb": "* = færre enn {min_cell} personer; tallet er skjult av personvernhensyn.",
        "en": "* = fewer than {min_cell} people; the number is withheld to protect privacy."},
    "provenance": {"nb": "Om denne rapporten (proveniens)", "en": "About this report (provenance)"},
    "prov_commit": {"nb": "Git-commit", "en": "Git commit"},
    "prov_dirty": {"nb": "arbeidskopien hadde endringer som ikke var committet",
                   "en": "the working tree had uncommitted changes"},
    "prov_params": {"nb": "Parametre", "en": "Parameters"},
    "prov_data": {"nb": "Datafiler (sha256)", "en": "Data files (sha256)"},
    "prov_packages": {"nb": "Pakkeversjoner", "en": "Package versions"},
    "prov_chapters": {"nb": "Kapitler (kjørt notatbok, varighet)",
                      "en": "Chapters (executed notebook, duration)"},
    "prov_build_time": {"nb": "Byggetidspunkt", "en": "Build time"},
    # data quality chapter
    "dq_title": {"nb": "Datakvalitet", "en": "Data quality"},
    "dq_intro": {
        "nb": "Dette kapitlet viser hvilke datafiler rapporten bygger på, hvor mange av "
              "deltakerne som har svart på hvert måletidspunkt, og hvor mye som mangler i "
              "spørreskjemaene. Det bygges på nytt ved hver rapport, slik at frafall og "
              "manglende data oppdages mens det ennå kan gjøres noe med det.",
        "en": "This chapter shows which data files the report rests on, how many participants "
              "answered at each wave, and how much is missing in the questionnaires. It is "
              "rebuilt with every report, so that attrition and missing data are found while "
              "something can still be done about them."},
    "dq_files": {"nb": "Datafiler", "en": "Data files"},
    "dq_files_caption": {"nb": "Datafiler: rader lest og brukt i denne rapporten",
                         "en": "Data files: rows read and used in this report"},
    "dq_response": {"nb": "Svarprosent per måletidspunkt", "en": "Response by wave"},
    "dq_response_caption": {
        "nb": "Svarprosent (besvart ÷ forfalt) per måletidspunkt og gruppe",
        "en": "Response rate (answered ÷ due) by wave and arm"},
    "dq_response_office_caption": {
        "nb": "Svarprosent per måletidspunkt, gruppe og kontor",
        "en": "Response rate by wave, arm and office"},
    "dq_response_fig": {"nb": "Svarprosent per måletidspunkt og gruppe",
                        "en": "Response rate by wave and arm"},
    "dq_response_text": {
        "nb": "Ved {first} svarte {r_first} av deltakerne som skulle ha svart; ved {last} "
              "svarte {r_last} ({n_last} av {due_last}). {table} og {figure} viser "
              "svarprosenten per gruppe.",
        "en": "At {first}, {r_first} of the participants due answered; at {last}, {r_last} "
              "answered ({n_last} of {due_last}). {table} and {figure} show the response "
              "rate by arm."},
    "dq_missing": {"nb": "Manglende svar per spørsmål", "en": "Missing answers by item"},
    "dq_missing_caption": {
        "nb": "Manglende svar i deltakerundersøkelsen: «vet ikke» (8), «ikke svart» (9) og tom "
              "celle, telt hver for seg",
        "en": "Missing answers in the participant survey: \"don't know\" (8), \"not answered\" "
              "(9) and empty cell, counted separately"},
    "dq_missing_learning_caption": {
        "nb": "Manglende svar i læringsundersøkelsen", "en": "Missing answers in the "
        "learning-system questionnaire"},
    "dq_missing_text": {
        "nb": "Spørsmålet med mest manglende svar er {item} ({share} av svarene mangler).",
        "en": "The item with most missing answers is {item} ({share} of answers missing)."},
    "dq_no_survey": {"nb": "Deltakerundersøkelsen (survey) finnes ikke i datagrunnlaget; "
                           "svarprosent kan ikke beregnes.",
                     "en": "The participant survey file is not in the data; response rates "
                           "cannot be computed."},
    "dq_flags_title": {"nb": "Advarsel: frafall i deltakerundersøkelsen",
                       "en": "Warning: attrition in the participant survey"},
    "dq_no_flags": {"nb": "Ingen varsler om frafall: svarprosenten er over {threshold} i alle "
                          "grupper, og forskjellen mellom gruppene er høyst {gap}.",
                    "en": "No attrition flags: the response rate is above {threshold} in every "
                          "arm, and arms differ by at most {gap}."},
    "flag_attrition": {
        "nb": "{wave}: svarprosenten i {arm} er {rate}, under grensen på {threshold}.",
        "en": "{wave}: the response rate in the {arm} arm is {rate}, below the threshold of "
              "{threshold}."},
    "flag_differential": {
        "nb": "{wave}: svarprosenten er {ra} i {a} og {rb} i {b} – forskjellen er større enn "
              "{threshold}.",
        "en": "{wave}: the response rate is {ra} in {a} and {rb} in {b} – a gap larger than "
              "{threshold}."},
    # participants chapter
    "pt_title": {"nb": "Deltakere", "en": "Participants"},
    "pt_intro": {
        "nb": "Kapitlet viser hvem som ble inkludert i forsøkene, hvor mange som trakk "
              "samtykket, og hvor mange vi har data om. Deltakere som har trukket samtykket, "
              "telles som inkludert og trukket, men ingen av deres data brukes ellers.",
        "en": "This chapter shows who was enrolled in the trials, how many withdrew consent, and "
              "for how many we have data. Participants who withdrew are counted as enrolled and "
              "withdrawn; none of their data are used anywhere else."},
    "pt_flow": {"nb": "Flytdiagram", "en": "Participant flow"},
    "pt_flow_caption": {"nb": "Deltakerflyt per gruppe (CONSORT)",
                        "en": "Participant flow by arm (CONSORT)"},
    "pt_flow_table_caption": {"nb": "Deltakerflyt per gruppe", "en": "Participant flow by arm"},
    "pt_flow_text": {
        "nb": "Til sammen {enrolled} deltakere var inkludert per {cutoff}; {withdrawn} av dem "
              "har trukket samtykket, og {analysed} inngår i analysene ({figure}).",
        "en": "In all, {enrolled} participants were enrolled by {cutoff}; {withdrawn} of them "
              "withdrew consent, and {analysed} are included in the analyses ({figure})."},
    "pt_baseline": {"nb": "Deltakerne ved oppstart", "en": "Participants at baseline"},
    "pt_baseline_caption": {"nb": "Kjennetegn ved oppstart per gruppe – {project}",
                            "en": "Baseline characteristics by arm – {project}"},
    "pt_baseline_note": {
        "nb": "Antall (prosent av gruppen); alder: gjennomsnitt (standardavvik). Der ett "
              "skjult tall kunne regnes ut fra gruppens total, er også et annet skjult.",
        "en": "Number (percent of the arm); age: mean (standard deviation). Where one hidden "
              "number could be worked out from the arm's total, another is hidden too."},
    "pt_baseline_text": {
        "nb": "Tabellene viser deltakernes kjennetegn ved inklusjon, per prosjekt og gruppe. I "
              "KLAR ble deltakerne trukket tilfeldig til tiltaks- eller kontrollgruppe, så "
              "forskjeller mellom disse to gruppene skyldes tilfeldigheter.",
        "en": "The tables show participants' characteristics at enrolment by project and arm. "
              "In KLAR participants were allocated at random, so differences between those two "
              "arms are due to chance."},
    # flow labels
    "enrolled": {"nb": "Inkludert", "en": "Enrolled"},
    "withdrawn": {"nb": "Trukket samtykke", "en": "Withdrew consent"},
    "analysed": {"nb": "I analysene", "en": "Analysed"},
    "with_outcome": {"nb": "Med registerdata", "en": "With register data"},
    "answered_wave": {"nb": "Svarte {wave}", "en": "Answered {wave}"},
    "due_wave": {"nb": "Forfalt {wave}", "en": "Due {wave}"},
    # table headers
    "h_file": {"nb": "Fil", "en": "File"},
    "h_present": {"nb": "Finnes", "en": "Present"},
    "h_rows": {"nb": "Rader lest", "en": "Rows read"},
    "h_rows_used": {"nb": "Rader brukt", "en": "Rows used"},
    "h_warnings": {"nb": "Advarsler", "en": "Warnings"},
    "h_wave": {"nb": "Måletidspunkt", "en": "Wave"},
    "h_arm": {"nb": "Gruppe", "en": "Arm"},
    "h_office": {"nb": "Kontor", "en": "Office"},
    "h_due": {"nb": "Forfalt (n)", "en": "Due (n)"},
    "h_answered": {"nb": "Besvart (n)", "en": "Answered (n)"},
    "h_rate": {"nb": "Svarprosent (%)", "en": "Response rate (%)"},
    "h_item": {"nb": "Spørsmål", "en": "Item"},
    "h_valid": {"nb": "Gyldige (n)", "en": "Valid (n)"},
    "h_dont_know": {"nb": "Vet ikke (n)", "en": "Don't know (n)"},
    "h_not_answered": {"nb": "Ikke svart (n)", "en": "Not answered (n)"},
    "h_empty": {"nb": "Tom (n)", "en": "Empty (n)"},
    "h_missing_share": {"nb": "Mangler (%)", "en": "Missing (%)"},
    "h_characteristic": {"nb": "Kjennetegn", "en": "Characteristic"},
    "h_stage": {"nb": "Trinn", "en": "Step"},
    "all_arms": {"nb": "alle", "en": "all"},
    "yes": {"nb": "ja", "en": "yes"},
    "no": {"nb": "nei", "en": "no"},
    "age": {"nb": "Alder ved inklusjon, gj.snitt (SD)", "en": "Age at enrolment, mean (SD)"},
    "n_people": {"nb": "Antall", "en": "Number"},
    "immigrant_yes": {"nb": "Innvandrerbakgrunn", "en": "Immigrant background"},
    "source_survey": {"nb": "deltakerundersøkelsen", "en": "participant survey"},
    "source_participants": {"nb": "deltakerregisteret", "en": "participant register"},
    "source_files": {"nb": "datafilene", "en": "the data files"},
    "share": {"nb": "andel", "en": "share"},
    "percent": {"nb": "prosent", "en": "percent"},
    "not_computed_yet": {"nb": "beregnes i et senere kapittel", "en": "computed by a later chapter"},
}


def t(key: str, language: str = "nb", **kwargs) -> str:
    """The string ``key`` in ``language``, formatted with ``kwargs``."""
    try:
        entry = STRINGS[key]
    except KeyError:
        raise KeyError(f"no text '{key}' in pku_eval.text.STRINGS") from None
    text = entry["en" if language == "en" else "nb"]
    return text.format(**kwargs) if kwargs else text


def arm_name(arm: str, language: str = "nb") -> str:
    if arm == "all":
        return t("all_arms", language)
    return arm_label(arm, language)


def fmt_num(x, decimals: int = 1, language: str = "nb") -> str:
    """A number for prose or tables: '1 234,5' (nb) or '1,234.5' (en); '–' for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"
    if s.lstrip("-").strip("0.,") == "":  # no "-0,0"
        s = s.lstrip("-")
    if language == "en":
        return s
    return s.replace(",", THIN).replace(".", ",").replace("-", "\u2212")


def fmt_int(x, language: str = "nb") -> str:
    return fmt_num(x, 0, language)


def fmt_pct(p, language: str = "nb", decimals: int = 0) -> str:
    """A proportion as a percentage: 0.456 → '46 %' (nb) or '46%' (en)."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    num = fmt_num(100 * p, decimals, language)
    return f"{num}{THIN}%" if language != "en" else f"{num}%"


def fmt_p(p, language: str = "nb") -> str:
    """A p-value: '< 0,001' (nb) / '< 0.001' (en) below 0.001, else three decimals."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    if p < 0.001:
        return f"<{THIN}{fmt_num(0.001, 3, language)}"
    return fmt_num(p, 3, language)


def fmt_ci(low, high, decimals: int = 2, language: str = "nb") -> str:
    """A confidence interval: '95 % KI 0,12 til 0,34' / '95% CI 0.12 to 0.34'."""
    if language == "en":
        return f"95% CI {fmt_num(low, decimals, language)} to {fmt_num(high, decimals, language)}"
    return f"95{THIN}% KI {fmt_num(low, decimals, language)} til {fmt_num(high, decimals, language)}"


def fmt_date(d, language: str = "nb") -> str:
    import pandas as pd

    d = pd.Timestamp(d)
    if language == "en":
        return d.strftime("%-d %B %Y")
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
              "september", "oktober", "november", "desember"]
    return f"{d.day}. {months[d.month - 1]} {d.year}"


def register(strings: dict[str, dict[str, str]]) -> None:
    """Add a chapter's texts to :data:`STRINGS` (each key needs both ``nb`` and ``en``)."""
    for key, entry in strings.items():
        if set(entry) != {"nb", "en"}:
            raise ValueError(f"text '{key}' needs exactly the languages nb and en, has {sorted(entry)}")
        if key in STRINGS and STRINGS[key] != entry:
            raise ValueError(f"text '{key}' is defined twice with different wording")
        STRINGS[key] = entry
