"""Texts of the 'employers' chapter (nb and en)."""

TEXTS = {
    "em_title": {"nb": "Arbeidsgiverne", "en": "Employers"},
    "em_intro": {
        "nb": "Arbeidsgivere som ansatte eller tok imot deltakere fra SE, svarte på et "
              "spørreskjema om oppfølgingen de fikk fra jobbspesialisten. Kapitlet viser hvem "
              "som svarte, hvordan de vurderte oppfølgingen, og hvor mange som ville anbefale "
              "andre arbeidsgivere å ta inn en jobbsøker med oppfølging fra NAV.",
        "en": "Employers who hired or hosted SE participants answered a questionnaire about the "
              "follow-up they got from the job coach. This chapter shows who answered, how they "
              "rated the follow-up, and how many would recommend other employers to take on a "
              "job seeker with NAV follow-up."},
    "em_no_file": {
        "nb": "Arbeidsgiverundersøkelsen (employer_survey) finnes ikke i datagrunnlaget. "
              "Kapitlet har derfor ingen tall; resten av rapporten påvirkes ikke.",
        "en": "The employer questionnaire (employer_survey) is not in the data. This chapter "
              "therefore has no figures; the rest of the report is not affected."},
    "em_no_rows": {
        "nb": "Ingen arbeidsgivere hadde svart per {cutoff}.",
        "en": "No employer had answered by {cutoff}."},
    "em_too_few": {
        "nb": "Færre enn {min_cell} arbeidsgivere hadde svart per {cutoff}. Svarene vises ikke, "
              "av personvernhensyn.",
        "en": "Fewer than {min_cell} employers had answered by {cutoff}. The answers are "
              "withheld to protect privacy."},
    "em_who": {"nb": "Hvem som svarte", "en": "Who answered"},
    "em_who_text": {
        "nb": "{n} arbeidsgivere svarte per {cutoff}; {private} av dem var private virksomheter.",
        "en": "{n} employers answered by {cutoff}; {private} of them were private businesses."},
    "em_who_caption": {"nb": "Arbeidsgivere som svarte, etter sektor, størrelse og kontor",
                       "en": "Employers who answered, by sector, size and office"},
    "em_who_note": {
        "nb": "Størrelse = antall ansatte. Når bare én celle i en variabel måtte skjules, er "
              "også den nest minste skjult, så den ikke kan regnes ut fra totalen.",
        "en": "Size = number of employees. When only one cell of a variable had to be withheld, "
              "the next smallest is withheld too, so that it cannot be worked out from the "
              "total."},
    "em_items": {"nb": "Vurdering av oppfølgingen", "en": "Ratings of the follow-up"},
    "em_items_text": {
        "nb": "Arbeidsgiverne vurderte seks sider ved oppfølgingen fra jobbspesialisten på en "
              "skala fra 1 (svært dårlig) til 5 (svært god), blant annet tilgjengelighet, "
              "forståelse av arbeidsplassen og hjelp med tilrettelegging. Mest positive var de "
              "på spørsmålet «{best_item}» ({best_share} svarte 4 eller 5), minst positive "
              "på «{worst_item}» ({worst_share}).",
        "en": "The employers rated six aspects of the job coach's follow-up on a scale from 1 "
              "(very poor) to 5 (very good), among them availability, understanding of the "
              "workplace and help with adaptation. They were most positive on the item "
              "\"{best_item}\" ({best_share} answered 4 or 5) and least positive on "
              "\"{worst_item}\" ({worst_share})."},
    "em_items_caption": {
        "nb": "Arbeidsgivernes vurdering av oppfølgingen, fordeling av svarene per spørsmål",
        "en": "Employers' ratings of the follow-up, distribution of answers by item"},
    "em_items_fig_note": {
        "nb": "Svar 1–2 til venstre for null, 4–5 til høyre, svar 3 i egen rute. «Vet ikke» "
              "og ubesvart er holdt utenfor. Spørsmål med færre enn {min_cell} svar er ikke "
              "tegnet, og heller ikke andeler som er skjult i tabellen.",
        "en": "Answers 1–2 left of zero, 4–5 right of it, answer 3 in a panel of its own. "
              "\"Don't know\" and no answer are left out. Items with fewer than {min_cell} "
              "answers are not drawn, nor are shares withheld in the table."},
    "em_items_table_caption": {
        "nb": "Arbeidsgivernes vurdering av oppfølgingen per spørsmål",
        "en": "Employers' ratings of the follow-up by item"},
    "em_items_table_note": {
        "nb": "Andeler av gyldige svar. «Vet ikke» og ubesvart er holdt utenfor. Når én andel "
              "i en rad må skjules, er også den nest minste skjult, fordi andelene summerer "
              "til 100; da er også gjennomsnittet skjult.",
        "en": "Shares of valid answers. \"Don't know\" and no answer are left out. When one "
              "share of a row must be withheld, the next smallest is withheld too, because the "
              "shares add up to 100; the mean is then withheld as well."},
    "em_recommend": {"nb": "Vil arbeidsgiverne anbefale det?",
                     "en": "Would employers recommend it?"},
    "em_recommend_text": {
        "nb": "{share} av arbeidsgiverne som svarte på spørsmålet ({n}), ville anbefale andre "
              "å ta inn en jobbsøker med oppfølging fra NAV (95 % KI {low}–{high}). "
              "Intervallet viser usikkerheten fordi bare et utvalg arbeidsgivere svarte. "
              "Tallet gjelder arbeidsgivere som hadde erfaring med SE og valgte å svare, og "
              "kan ikke overføres til arbeidsgivere flest.",
        "en": "{share} of the employers who answered the question ({n}) would recommend others "
              "to take on a job seeker with NAV follow-up (95% CI {low}–{high}). The interval "
              "shows the uncertainty because only some employers answered. The figure applies "
              "to employers with SE experience who chose to answer, and cannot be carried over "
              "to employers in general."},
    "em_recommend_caption": {"nb": "Andel som vil anbefale, etter sektor og størrelse",
                             "en": "Share who would recommend, by sector and size"},
    "em_recommend_note": {
        "nb": "Wilson-intervall. Grupper med færre enn {min_cell} arbeidsgivere, eller færre "
              "enn {min_cell} som ville anbefale, vises ikke.",
        "en": "Wilson interval. Groups with fewer than {min_cell} employers, or fewer than "
              "{min_cell} who would recommend, are not shown."},
    "em_h_variable": {"nb": "Kjennetegn", "en": "Characteristic"},
    "em_h_category": {"nb": "Gruppe", "en": "Group"},
    "em_h_employers": {"nb": "Arbeidsgivere (n)", "en": "Employers (n)"},
    "em_h_share": {"nb": "Andel (%)", "en": "Share (%)"},
    "em_h_item": {"nb": "Spørsmål", "en": "Item"},
    "em_h_valid": {"nb": "Gyldige svar (n)", "en": "Valid answers (n)"},
    "em_h_mean": {"nb": "Gjennomsnitt", "en": "Mean"},
    "em_h_recommend": {"nb": "Vil anbefale (%)", "en": "Would recommend (%)"},
    "em_h_ci_low": {"nb": "KI nedre (%)", "en": "CI lower (%)"},
    "em_h_ci_high": {"nb": "KI øvre (%)", "en": "CI upper (%)"},
    "em_x_share": {"nb": "Andel av svarene (%)", "en": "Share of answers (%)"},
    "em_group_negative": {"nb": "1–2 (dårlig)", "en": "1–2 (poor)"},
    "em_group_neutral": {"nb": "3 (verken eller)", "en": "3 (neither)"},
    "em_group_positive": {"nb": "4–5 (god)", "en": "4–5 (good)"},
    "em_all": {"nb": "Alle", "en": "All"},
    "em_source": {"nb": "arbeidsgiverundersøkelsen",
                               "en": "employer questionnaire"},
}
