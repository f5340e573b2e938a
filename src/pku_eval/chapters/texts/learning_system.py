"""Texts of the 'learning_system' chapter (nb and en)."""

TEXTS = {
    "ls_title": {"nb": "Læringssystemet", "en": "The learning system"},
    "ls_intro": {
        "nb": "Alle ansatte ved forsøkskontorene ble spurt om læringsarenaer, kunnskapsdeling og "
              "bruk av forskning, før (første runde) og etter (andre runde) at læringssystemet "
              "ble innført. Hver skala er gjennomsnittet av fire spørsmål fra 1 (lavest) til 5 "
              "(høyest).",
        "en": "All employees at the trial offices were asked about learning arenas, knowledge "
              "sharing and use of research, before (first round) and after (second round) the "
              "learning system was put in place. Each scale is the mean of four items from 1 "
              "(lowest) to 5 (highest)."},
    "ls_no_file": {
        "nb": "Læringsundersøkelsen (learning_survey) finnes ikke i datagrunnlaget. Kapitlet kan "
              "ikke vise resultater, og nøkkeltallene står tomme.",
        "en": "The learning-system questionnaire (learning_survey) is not in the data. The "
              "chapter cannot show results, and its key figures are left empty."},
    "ls_no_rows": {
        "nb": "Ingen har svart på læringsundersøkelsen innen {cutoff} ved kontorene i denne "
              "rapporten.",
        "en": "Nobody at the offices of this report had answered the learning-system "
              "questionnaire by {cutoff}."},
    "ls_post_missing": {
        "nb": "Per {cutoff} er bare første runde (før) besvart. Endringen fra før til etter "
              "kan først beregnes når andre runde er gjennomført; her vises utgangspunktet.",
        "en": "By {cutoff} only the first round (before) had been answered. The change from "
              "before to after can be computed once the second round is done; this chapter "
              "shows the starting point."},
    # response
    "ls_response": {"nb": "Hvem svarte", "en": "Who answered"},
    "ls_response_text": {
        "nb": "I første runde svarte {n_pre} av {staff} ansatte ({r_pre}); i andre runde "
              "{n_post} ({r_post}). {n_linked} personer svarte i begge rundene.",
        "en": "In the first round {n_pre} of {staff} employees answered ({r_pre}); in the "
              "second round {n_post} ({r_post}). {n_linked} people answered both rounds."},
    "ls_response_text_pre": {
        "nb": "I første runde svarte {n_pre} av {staff} ansatte ({r_pre}).",
        "en": "In the first round {n_pre} of {staff} employees answered ({r_pre})."},
    "ls_response_caption": {
        "nb": "Svar på læringsundersøkelsen per kontor og runde, og andel av de ansatte",
        "en": "Answers to the learning-system questionnaire by office and round, and share of "
              "staff"},
    "ls_response_note": {
        "nb": "Svarprosent = antall svar ÷ antall ansatte ved kontoret (kontortabellen). "
              "Antall ansatte er ett tall per kontor; med utskifting av ansatte mellom rundene "
              "er svarprosenten omtrentlig.",
        "en": "Response rate = answers ÷ staff of the office (offices table). Staff is one "
              "number per office; with staff turnover between the rounds the rate is "
              "approximate."},
    "ls_role_caption": {"nb": "Svar per stilling og runde", "en": "Answers by role and round"},
    # reliability
    "ls_reliability": {"nb": "Skalaenes pålitelighet", "en": "Reliability of the scales"},
    "ls_reliability_text": {
        "nb": "Cronbachs alfa måler hvor godt de fire spørsmålene i en skala henger sammen "
              "(0–1; over 0,7 regnes vanligvis som godt nok til å slå dem sammen). Den laveste "
              "verdien her er {min_alpha} ({scale}, {round}).",
        "en": "Cronbach's alpha measures how well the four items of a scale hang together "
              "(0–1; above 0.7 is usually taken as good enough to combine them). The lowest "
              "value here is {min_alpha} ({scale}, {round})."},
    "ls_reliability_caption": {
        "nb": "Cronbachs alfa per skala og runde (svar med alle fire spørsmål besvart)",
        "en": "Cronbach's alpha by scale and round (answers with all four items answered)"},
    # headline
    "ls_change": {"nb": "Endring fra før til etter", "en": "Change from before to after"},
    "ls_baseline": {"nb": "Utgangspunktet før læringssystemet",
                    "en": "The starting point before the learning system"},
    "ls_baseline_scale": {
        "nb": "{scale}: gjennomsnitt {pre} før (n = {n_pre}; 95 % KI {lo} til {hi}).",
        "en": "{scale}: mean {pre} before (n = {n_pre}; 95% CI {lo} to {hi})."},
    "ls_change_intro": {
        "nb": "Hovedresultatet sammenligner alle svar i første runde med alle svar i andre "
              "runde. Undersøkelsen gikk til alle ansatte hver gang, og mange ansatte var nye "
              "eller hadde sluttet mellom rundene; sammenligningen beskriver derfor kontorene "
              "som helhet. Som kontroll sammenlignes også de som svarte i begge rundene, med "
              "seg selv.",
        "en": "The main result compares all answers of the first round with all answers of the "
              "second. The questionnaire went to all employees each time, and many had joined "
              "or left between the rounds, so the comparison describes the offices as a whole. "
              "As a check, those who answered both rounds are also compared with themselves."},
    "ls_change_scale": {
        "nb": "{scale}: gjennomsnitt {pre} før (n = {n_pre}) og {post} etter (n = {n_post}), "
              "en endring på {diff} (95 % KI {lo} til {hi}).",
        "en": "{scale}: mean {pre} before (n = {n_pre}) and {post} after (n = {n_post}), a "
              "change of {diff} (95% CI {lo} to {hi})."},
    "ls_reading_up": {
        "nb": "Intervallet ligger over 0: skåren er tydelig høyere etter enn før.",
        "en": "The interval lies above 0: the score is clearly higher after than before."},
    "ls_reading_down": {
        "nb": "Intervallet ligger under 0: skåren er tydelig lavere etter enn før.",
        "en": "The interval lies below 0: the score is clearly lower after than before."},
    "ls_reading_unclear": {
        "nb": "Intervallet omfatter 0: dataene kan ikke skille endringen fra null.",
        "en": "The interval includes 0: the data cannot tell the change apart from none."},
    "ls_change_na": {
        "nb": "{scale}: endringen kan ikke beregnes ({reason}).",
        "en": "{scale}: the change cannot be computed ({reason})."},
    "ls_paired_text": {
        "nb": "Kontroll: blant de {n} som svarte i begge rundene, endret {scale} seg i snitt "
              "med {diff} (95 % KI {lo} til {hi}).",
        "en": "Check: among the {n} who answered both rounds, {scale} changed by {diff} on "
              "average (95% CI {lo} to {hi})."},
    "ls_paired_na": {
        "nb": "Kontrollen med de samme personene i begge rundene kan ikke gjøres ({reason}).",
        "en": "The check on the same people in both rounds cannot be made ({reason})."},
    "ls_caveat": {
        "nb": "Før–etter-målinger uten kontrollgruppe viser om noe har endret seg, ikke hvorfor: "
              "en endring kan også skyldes annet som skjedde ved kontorene i samme periode, og "
              "hvem som svarte. Kontorene har forholdsvis få ansatte; intervallene viser hvor "
              "usikre tallene er.",
        "en": "Before–after measurements without a control group show whether something "
              "changed, not why: a change may also be due to other things that happened at the "
              "offices in the same period, and to who answered. The offices have fairly few "
              "employees; the intervals show how uncertain the figures are."},
    "ls_change_caption": {
        "nb": "Endring fra før til etter per skala: alle svar (hovedresultat) og de samme "
              "personene i begge rundene (kontroll)",
        "en": "Change from before to after by scale: all answers (main result) and the same "
              "people in both rounds (check)"},
    "ls_change_note": {
        "nb": "Alle svar: Welchs t-test, rundene behandlet som uavhengige utvalg. Noen svarte i "
              "begge rundene; det gjør intervallet heller for bredt enn for smalt. Samme "
              "personer: parvis t-test (p for Wilcoxons fortegnsrangtest i egen kolonne).",
        "en": "All answers: Welch's t-test, the rounds treated as independent samples. Some "
              "people answered both rounds; that makes the interval wider rather than narrower "
              "than needed. Same people: paired t-test (p of Wilcoxon's signed-rank test in its "
              "own column)."},
    "ls_means_fig": {
        "nb": "Gjennomsnitt per skala før og etter, med 95 % konfidensintervall",
        "en": "Mean by scale before and after, with 95% confidence interval"},
    "ls_means_fig_pre": {
        "nb": "Gjennomsnitt per skala før læringssystemet, med 95 % konfidensintervall",
        "en": "Mean by scale before the learning system, with 95% confidence interval"},
    "ls_fig_note_hidden": {
        "nb": "Grupper med færre enn {min_cell} svar er ikke tegnet.",
        "en": "Groups with fewer than {min_cell} answers are not drawn."},
    # groups
    "ls_groups": {"nb": "Per kontor og stilling", "en": "By office and role"},
    "ls_groups_text": {
        "nb": "Tabellene viser gjennomsnittene per kontor og per stilling. Gruppene er små; "
              "forskjeller mellom dem kan lett skyldes tilfeldigheter, og grupper med færre enn "
              "{min_cell} svar vises ikke.",
        "en": "The tables show the means by office and by role. The groups are small; "
              "differences between them may easily be due to chance, and groups with fewer than "
              "{min_cell} answers are not shown."},
    "ls_office_caption": {"nb": "Gjennomsnitt per kontor, skala og runde",
                          "en": "Mean by office, scale and round"},
    "ls_role_means_caption": {"nb": "Gjennomsnitt per stilling, skala og runde",
                              "en": "Mean by role, scale and round"},
    "ls_project": {"nb": "Ansatte i forsøket og andre ansatte",
                   "en": "Employees in the trial and other employees"},
    "ls_project_text": {
        "nb": "De som deltok i forsøket (for eksempel jobbspesialistene), kan ha fått mer av "
              "læringssystemet enn de andre. Gruppene er ikke trukket tilfeldig, så en forskjell "
              "mellom dem kan ikke tilskrives forsøket alene.",
        "en": "Those who took part in the trial (the job coaches, for example) may have had "
              "more of the learning system than the others. The groups were not formed at "
              "random, so a difference between them cannot be attributed to the trial alone."},
    "ls_project_note": {
        "nb": "Endring med 95 % konfidensintervall (Welchs t-test innenfor hver gruppe).",
        "en": "Change with 95% confidence interval (Welch's t-test within each group)."},
    "ls_project_caption": {
        "nb": "Gjennomsnitt før og etter for ansatte i forsøket og andre ansatte",
        "en": "Mean before and after for employees in the trial and other employees"},
    "ls_in_project": {"nb": "i forsøket", "en": "in the trial"},
    "ls_not_in_project": {"nb": "ikke i forsøket", "en": "not in the trial"},
    # items
    "ls_items": {"nb": "Svar på de enkelte spørsmålene", "en": "Answers to each item"},
    "ls_items_text": {
        "nb": "Figuren viser fordelingen av svarene på hvert spørsmål. Stolpene er sentrert på "
              "midtkategorien 3: svar under 3 går til venstre, svar over 3 til høyre.",
        "en": "The figure shows how the answers to each item are distributed. The bars are "
              "centred on the middle category 3: answers below 3 go left, answers above 3 go "
              "right."},
    "ls_items_fig": {"nb": "Svar per spørsmål og runde (1 = lavest, 5 = høyest)",
                     "en": "Answers by item and round (1 = lowest, 5 = highest)"},
    "ls_items_note": {
        "nb": "Andel av gyldige svar; «vet ikke», «ikke svart» og tomme svar er holdt utenfor.",
        "en": "Share of valid answers; \"don't know\", \"not answered\" and empty answers are "
              "left out."},
    "ls_likert_low": {"nb": "1 (lavest)", "en": "1 (lowest)"},
    "ls_likert_mid": {"nb": "3 (midt)", "en": "3 (middle)"},
    "ls_likert_high": {"nb": "5 (høyest)", "en": "5 (highest)"},
    "ls_share_axis": {"nb": "Andel av svarene (%)", "en": "Share of answers (%)"},
    "ls_mean_axis": {"nb": "Gjennomsnitt (1–5)", "en": "Mean (1–5)"},
    # table headers and words
    "ls_source": {"nb": "læringsundersøkelsen", "en": "learning-system questionnaire"},
    "ls_source_offices": {"nb": "læringsundersøkelsen og kontortabellen",
                          "en": "learning-system questionnaire and offices table"},
    "ls_h_round": {"nb": "Runde", "en": "Round"},
    "ls_h_scale": {"nb": "Skala", "en": "Scale"},
    "ls_h_staff": {"nb": "Ansatte (n)", "en": "Staff (n)"},
    "ls_h_answers": {"nb": "Svar (n)", "en": "Answers (n)"},
    "ls_h_role": {"nb": "Stilling", "en": "Role"},
    "ls_h_group": {"nb": "Gruppe", "en": "Group"},
    "ls_h_alpha": {"nb": "Alfa", "en": "Alpha"},
    "ls_h_ci_low": {"nb": "KI nedre", "en": "CI lower"},
    "ls_h_ci_high": {"nb": "KI øvre", "en": "CI upper"},
    "ls_h_n_used": {"nb": "Svar brukt (n)", "en": "Answers used (n)"},
    "ls_h_n_pre": {"nb": "Før (n)", "en": "Before (n)"},
    "ls_h_mean_pre": {"nb": "Før, snitt", "en": "Before, mean"},
    "ls_h_n_post": {"nb": "Etter (n)", "en": "After (n)"},
    "ls_h_mean_post": {"nb": "Etter, snitt", "en": "After, mean"},
    "ls_h_change": {"nb": "Endring", "en": "Change"},
    "ls_h_analysis": {"nb": "Sammenligning", "en": "Comparison"},
    "ls_h_p": {"nb": "p", "en": "p"},
    "ls_h_wilcoxon": {"nb": "p (Wilcoxon)", "en": "p (Wilcoxon)"},
    "ls_all_answers": {"nb": "alle svar", "en": "all answers"},
    "ls_same_people": {"nb": "samme personer", "en": "same people"},
    "ls_all_offices": {"nb": "Alle kontorer", "en": "All offices"},
    "ls_ci": {"nb": "{lo} til {hi}", "en": "{lo} to {hi}"},
}
