"""Texts of the 'survey_waves' chapter (nb and en)."""

TEXTS = {
    "sw_title": {"nb": "Deltakerundersøkelsen T0–T2: virket det?",
                 "en": "The participant survey T0–T2: did it work?"},
    "sw_intro": {
        "nb": "Deltakerne svarte på et spørreskjema ved oppstart (T0), etter om lag seks måneder "
              "(T1) og etter om lag ett år (T2). Tre skalaer måler mestring, tilfredshet med "
              "oppfølgingen fra NAV og brukermedvirkning. Kapitlet viser først hvor pålitelige "
              "skalaene er og hvordan skårene utviklet seg, og sammenligner så tiltaksgruppen med "
              "den interne kontrollgruppen i KLAR, der deltakerne ble trukket tilfeldig. I KLAR "
              "inngår {n_t} deltakere i tiltaksgruppen og {n_c} i den interne kontrollgruppen.",
        "en": "Participants answered a questionnaire at enrolment (T0), after about six months "
              "(T1) and after about one year (T2). Three scales measure mastery, satisfaction "
              "with the follow-up from NAV and user participation. The chapter first shows how "
              "reliable the scales are and how the scores developed, then compares the "
              "treatment arm with the internal control arm in KLAR, where participants were "
              "allocated at random. KLAR has {n_t} participants in the treatment arm and {n_c} "
              "in the internal control arm."},
    "sw_no_survey": {
        "nb": "Deltakerundersøkelsen (survey) finnes ikke i datagrunnlaget; kapitlet kan ikke "
              "beregnes.",
        "en": "The participant survey file is not in the data; this chapter cannot be computed."},
    # reasons (the English text is also the results.json reason)
    "sw_reason_no_survey": {"nb": "deltakerundersøkelsen finnes ikke",
                            "en": "survey file not present"},
    "sw_reason_no_randomised": {"nb": "ingen randomiserte KLAR-deltakere i rapporten",
                                "en": "no randomised KLAR participants in this report"},
    "sw_reason_no_baseline": {"nb": "T0 (utgangspunktet) er ikke blant rapportens tidspunkter",
                              "en": "the baseline T0 is not among the report's waves"},
    "sw_reason_not_due": {"nb": "{wave} var ikke forfalt ennå per {date}",
                          "en": "{wave} not yet due at the cut-off {date}"},
    "sw_reason_no_scores": {"nb": "ingen skårer ved {wave} i {arm}",
                            "en": "no scores at {wave} in the {arm} arm"},
    "sw_reason_suppressed": {
        "nb": "færre enn {min_cell} deltakere i en gruppe; skjult av personvernhensyn",
        "en": "fewer than {min_cell} participants in an arm; withheld to protect privacy"},
    "sw_reason_too_few": {"nb": "for få fullstendige svar", "en": "too few complete answers"},
    "sw_reason_failed": {"nb": "kunne ikke beregnes: {error}",
                         "en": "could not be computed: {error}"},
    # reliability and items
    "sw_rel": {"nb": "Skalaene og hvor pålitelige de er", "en": "The scales and their reliability"},
    "sw_rel_text": {
        "nb": "En skalaskåre er gjennomsnittet av skalaens spørsmål (de negativt formulerte "
              "mestringsspørsmålene er snudd først). Cronbachs alfa ved T0 er {alphas}. En alfa "
              "på 0,70 eller mer regnes vanligvis som god nok til å sammenligne grupper; "
              "McDonalds omega i tabellen bygger på en faktormodell og forutsetter ikke at alle "
              "spørsmålene måler like sterkt.",
        "en": "A scale score is the mean of the scale's items (the negatively worded mastery "
              "items are reversed first). Cronbach's alpha at T0 is {alphas}. An alpha of 0.70 or "
              "more is usually considered good enough for comparing groups; McDonald's omega in "
              "the table rests on a factor model and does not assume that all items measure "
              "equally strongly."},
    "sw_rel_item": {"nb": "{value} (95 % KI {low}–{high}) for {scale}",
                    "en": "{value} (95% CI {low}–{high}) for {scale}"},
    "sw_rel_item_none": {"nb": "ikke beregnet for {scale} ({reason})",
                         "en": "not computed for {scale} ({reason})"},
    "sw_and": {"nb": "og", "en": "and"},
    "sw_rel_caption": {
        "nb": "Reliabilitet per skala og måletidspunkt: Cronbachs alfa (95 % KI) og McDonalds "
              "omega",
        "en": "Reliability by scale and wave: Cronbach's alpha (95% CI) and McDonald's omega"},
    "sw_rel_note": {
        "nb": "Alle prosjekter og grupper. Svar med minst ett manglende spørsmål i skalaen er "
              "utelatt (listevis sletting).",
        "en": "All projects and arms. Answers with any missing item of the scale are left out "
              "(listwise deletion)."},
    "sw_items_caption": {
        "nb": "Svarfordeling per spørsmål ved T0 (negativt formulerte spørsmål snudd, (R))",
        "en": "Distribution of answers per item at T0 (negatively worded items reversed, (R))"},
    "sw_items_note": {
        "nb": "1 = lavest, 4 eller 5 = høyest. Spørsmål med færre enn {min_cell} svar er ikke "
              "tegnet.",
        "en": "1 = lowest, 4 or 5 = highest. Items with fewer than {min_cell} answers are not "
              "drawn."},
    # means and trajectories
    "sw_means": {"nb": "Utviklingen fra T0 per gruppe", "en": "Development from T0 by arm"},
    "sw_means_text": {
        "nb": "Figuren viser gjennomsnittet ved hvert måletidspunkt for hver gruppe i KLAR, med "
              "95 % konfidensintervall. Gjennomsnittene bygger på dem som svarte ved hvert "
              "tidspunkt; hvem som svarte, kan variere mellom tidspunktene, så figuren alene er "
              "ikke et mål på effekt.",
        "en": "The figure shows the mean at each wave for each KLAR arm, with 95% confidence "
              "intervals. The means rest on those who answered at each wave; who answered may "
              "differ between waves, so the figure alone does not measure an effect."},
    "sw_traj_caption": {"nb": "Gjennomsnittlig skåre per måletidspunkt og gruppe i KLAR (95 % KI)",
                        "en": "Mean score by wave and arm in KLAR (95% CI)"},
    "sw_traj_note": {"nb": "Grupper med færre enn {min_cell} svar på et tidspunkt er ikke tegnet.",
                     "en": "Groups with fewer than {min_cell} answers at a wave are not drawn."},
    "sw_means_caption": {"nb": "Gjennomsnitt per måletidspunkt, prosjekt og gruppe – {scale}",
                         "en": "Means by wave, project and arm – {scale}"},
    # the trial's model
    "sw_model": {"nb": "Virket SE? Tiltaksgruppen mot den interne kontrollgruppen",
                 "en": "Did SE work? Treatment versus internal control"},
    "sw_model_method": {
        "nb": "Sammenligningen bygger bare på de tilfeldig trukne deltakerne i KLAR. En lineær "
              "blandet modell (REML) med gruppe, måletidspunkt, samspillet mellom dem og kontor, "
              "og et tilfeldig konstantledd per deltaker, anslår hvor mye mer skåren endret seg "
              "fra T0 i tiltaksgruppen enn i kontrollgruppen. Modellen bruker alle svar som "
              "finnes, også fra deltakere som ikke svarte hver gang. Kontor inngår som fast "
              "effekt: med bare fire kontorer er det for få klynger til klyngerobuste "
              "standardfeil, så intervallene tar ikke hensyn til at deltakere ved samme kontor "
              "kan ligne hverandre ut over kontorets gjennomsnitt.",
        "en": "The comparison rests on the randomised KLAR participants only. A linear mixed "
              "model (REML) with arm, wave, their interaction and office, and a random intercept "
              "per participant, estimates how much more the score changed from T0 in the "
              "treatment arm than in the control arm. The model uses every available answer, "
              "also from participants who did not answer every time. Office is a fixed effect: "
              "with only four offices there are too few clusters for cluster-robust standard "
              "errors, so the intervals do not allow for participants at the same office being "
              "alike beyond the office mean."},
    "sw_model_result": {
        "nb": "{scale}: forskjellen i endring fra T0 (tiltaksgruppen minus kontrollgruppen) var "
              "{parts}. {verdict}",
        "en": "{scale}: the difference in change from T0 (treatment minus control) was {parts}. "
              "{verdict}"},
    "sw_model_part": {"nb": "{est} poeng ved {wave} (95 % KI {low} til {high})",
                      "en": "{est} points at {wave} (95% CI {low} to {high})"},
    "sw_model_part_missing": {"nb": "ikke beregnet ved {wave} ({reason})",
                              "en": "not computed at {wave} ({reason})"},
    "sw_verdict_up": {"nb": "Intervallene ligger over null: tiltaksgruppen har sannsynligvis hatt "
                            "en reell forbedring sammenlignet med kontrollgruppen.",
                      "en": "The intervals lie above zero: the treatment arm has probably "
                            "improved more than the control arm."},
    "sw_verdict_down": {"nb": "Intervallene ligger under null: tiltaksgruppen kom sannsynligvis "
                              "dårligere ut enn kontrollgruppen.",
                        "en": "The intervals lie below zero: the treatment arm probably fared "
                              "worse than the control arm."},
    "sw_verdict_null": {"nb": "Intervallene omfatter null: dataene kan ikke skille forskjellen "
                              "fra ingen forskjell.",
                        "en": "The intervals include zero: the data cannot tell the difference "
                              "apart from no difference."},
    "sw_verdict_mixed": {"nb": "Intervallene ligger ikke på samme side av null ved alle "
                               "tidspunktene; resultatet er usikkert.",
                         "en": "The intervals do not lie on the same side of zero at every wave; "
                               "the result is uncertain."},
    "sw_model_limits": {
        "nb": "Hva kan ikke konkluderes? Forskjellene gjelder svar på spørreskjemaet, ikke "
              "overgang til arbeid. Deltakerne visste hvilken gruppe de var i, så forventninger "
              "kan påvirke svarene, særlig om tilfredshet med oppfølgingen. Et intervall over "
              "null sier at forskjellen neppe skyldes tilfeldigheter alene, ikke hvor mye den "
              "betyr i praksis. Frafallet var ulikt i gruppene; avsnittet om manglende data "
              "viser om resultatene tåler det.",
        "en": "What cannot be concluded? The differences concern questionnaire answers, not "
              "moving into work. Participants knew their arm, so expectations may colour the "
              "answers, above all on satisfaction with the follow-up. An interval above zero "
              "says the difference is unlikely to be chance alone, not how much it matters in "
              "practice. Attrition differed between the arms; the missing-data section shows "
              "whether the results withstand it."},
    "sw_model_caption": {
        "nb": "Forskjell i endring fra T0, tiltaksgruppe minus intern kontrollgruppe (lineær "
              "blandet modell, justert for kontor, 95 % KI)",
        "en": "Difference in change from T0, treatment minus internal control (linear mixed "
              "model, adjusted for office, 95% CI)"},
    "sw_model_note": {
        "nb": "n = deltakere med skåre på tidspunktet i hver gruppe. Forskjellen er i skalaens "
              "egne poeng (mestring 1–4, de andre 1–5).",
        "en": "n = participants with a score at the wave in each arm. The difference is in the "
              "scale's own points (mastery 1–4, the others 1–5)."},
    "sw_engine_note": {
        "nb": "Med over {n} deltakere er modellen tilpasset med en eksakt REML-beregning i "
              "lukket form (samme modell og estimater som statsmodels MixedLM, mye raskere).",
        "en": "With more than {n} participants the model is fitted by an exact closed-form REML "
              "computation (the same model and estimates as statsmodels MixedLM, much faster)."},
    # missing data
    "sw_missing": {"nb": "Manglende data: tåler resultatene frafallet?",
                   "en": "Missing data: do the results withstand attrition?"},
    "sw_mcar_text": {
        "nb": "Littles test spør om svarene mangler helt tilfeldig (MCAR). En liten p-verdi "
              "(under 0,05) tyder på at det som mangler, henger sammen med det som er observert; "
              "en stor p-verdi beviser ikke at data mangler tilfeldig. Den første tabellen "
              "gjelder enkeltspørsmål innenfor skjemaer som ble besvart, den andre hele "
              "måletidspunkter (frafall) i KLAR, med gruppen som en av variablene.",
        "en": "Little's test asks whether answers are missing completely at random (MCAR). A "
              "small p value (below 0.05) suggests that what is missing is related to what is "
              "observed; a large p value does not prove that data are missing at random. The "
              "first table concerns single items within answered questionnaires, the second "
              "whole waves (attrition) in KLAR, with the arm as one of the variables."},
    "sw_mcar_waves_result": {
        "nb": "For frafallet mellom tidspunktene er minste p-verdi {p} ({scale}). {verdict}",
        "en": "For attrition between waves, the smallest p value is {p} ({scale}). {verdict}"},
    "sw_mcar_pattern": {
        "nb": "Frafallet henger altså sammen med gruppe eller tidligere skårer; en analyse av "
              "bare dem som svarte hver gang, kan derfor gi skjeve resultater.",
        "en": "Attrition is thus related to arm or earlier scores; an analysis of only those "
              "who answered every time may therefore be biased."},
    "sw_mcar_no_pattern": {
        "nb": "Testen finner ikke noe mønster i frafallet, men kan ikke utelukke det.",
        "en": "The test finds no pattern in attrition, but cannot rule one out."},
    "sw_mcar_subsample": {
        "nb": "Testen er gjort på et tilfeldig utvalg av {n} av {total} rader.",
        "en": "The test uses a random subsample of {n} of {total} rows."},
    "sw_mcar_items_caption": {"nb": "Littles MCAR-test på spørsmålene i hver skala (alle svar)",
                              "en": "Little's MCAR test on the items of each scale (all answers)"},
    "sw_mcar_waves_caption": {
        "nb": "Littles MCAR-test på skalaskårene ved hvert måletidspunkt og gruppe (randomiserte "
              "KLAR-deltakere som alle tidspunktene var forfalt for)",
        "en": "Little's MCAR test on the scale scores at each wave and the arm (randomised KLAR "
              "participants for whom every wave was due)"},
    "sw_mcar_dq_text": {
        "nb": "Littles test undersøker om de manglende svarene på spørsmålene mangler helt "
              "tilfeldig (MCAR). En liten p-verdi (under 0,05) tyder på et mønster i hva som "
              "mangler; en stor p-verdi beviser ikke at svarene mangler tilfeldig. Minste "
              "p-verdi: {p} ({scale}).",
        "en": "Little's test examines whether the missing item answers are missing completely "
              "at random (MCAR). A small p value (below 0.05) suggests a pattern in what is "
              "missing; a large p value does not prove that answers are missing at random. "
              "Smallest p value: {p} ({scale})."},
    "sw_mcar_section": {"nb": "Mangler svarene tilfeldig?", "en": "Are answers missing at random?"},
    "sw_sens_text": {
        "nb": "Tabellen sammenligner hovedanalysen (alle tilgjengelige svar) med to andre måter "
              "å håndtere frafall på: bare deltakere som svarte ved alle tidspunktene "
              "(komplette tilfeller), og multippel imputering, der manglende skårer fylles inn "
              "mange ganger ut fra gruppe, kontor og deltakerens andre svar. Estimatene skiller "
              "seg med høyst {diff} poeng fra hovedanalysen.",
        "en": "The table compares the main analysis (all available answers) with two other ways "
              "of handling attrition: only participants who answered at every wave (complete "
              "cases), and multiple imputation, where missing scores are filled in many times "
              "from arm, office and the participant's other answers. The estimates differ from "
              "the main analysis by at most {diff} points."},
    "sw_sens_agree": {
        "nb": "Alle de alternative konfidensintervallene omfatter hovedanalysens estimat, så "
              "konklusjonene avhenger ikke av hvordan frafallet håndteres – så lenge frafallet "
              "kan forklares av det vi har observert. Hvis de som falt fra, hadde en annen "
              "utvikling enn de som ble igjen, og dette ikke viser seg i tidligere svar, kan "
              "ingen av metodene rette opp det.",
        "en": "Every alternative confidence interval contains the main estimate, so the "
              "conclusions do not depend on how attrition is handled – as long as attrition is "
              "explained by what we observed. If those who dropped out developed differently "
              "from those who stayed, in a way earlier answers do not show, none of the methods "
              "can correct that."},
    "sw_sens_differ": {
        "nb": "I {n} av {total} sammenligninger omfatter det alternative intervallet ikke "
              "hovedanalysens estimat: resultatet avhenger av antakelsene om frafallet. "
              "Komplette tilfeller forutsetter at frafallet er helt tilfeldig; hovedanalysen og "
              "imputeringen forutsetter bare at det kan forklares av observerte svar. Tolk "
              "forskjellene mellom gruppene med forsiktighet.",
        "en": "In {n} of {total} comparisons the alternative interval does not contain the main "
              "estimate: the result depends on the assumptions about attrition. Complete cases "
              "assume that attrition is completely random; the main analysis and the imputation "
              "only assume that it is explained by observed answers. Interpret the differences "
              "between arms with caution."},
    "sw_sens_none": {"nb": "Sensitivitetsanalysene kunne ikke beregnes.",
                     "en": "The sensitivity analyses could not be computed."},
    "sw_sens_caption": {
        "nb": "Forskjell i endring fra T0 (tiltak minus intern kontroll) med tre måter å håndtere "
              "frafall på",
        "en": "Difference in change from T0 (treatment minus internal control) under three ways "
              "of handling attrition"},
    "sw_mi_note": {
        "nb": "Multippel imputering: {m} imputerte datasett ved kjedede likninger (bayesiansk "
              "lineær regresjon), separat for hver gruppe, med kontor og de andre tidspunktene "
              "som forklaringsvariabler; kombinert med Rubins regler (frø {seed}).",
        "en": "Multiple imputation: {m} data sets imputed by chained equations (Bayesian linear "
              "regression), separately within each arm, with office and the other waves as "
              "predictors; combined by Rubin's rules (seed {seed})."},
    "sw_mi_subsample": {
        "nb": "For å holde byggetiden nede er imputeringen gjort for et tilfeldig utvalg av {n} "
              "av {total} deltakere; intervallet er derfor bredere.",
        "en": "To keep the build fast, the imputation uses a random subsample of {n} of {total} "
              "participants; its interval is wider for that reason."},
    "sw_method_all": {"nb": "Alle tilgjengelige svar (hovedanalyse)",
                      "en": "All available answers (main analysis)"},
    "sw_method_cc": {"nb": "Komplette tilfeller", "en": "Complete cases"},
    "sw_method_mi": {"nb": "Multippel imputering", "en": "Multiple imputation"},
    # employment
    "sw_emp": {"nb": "Arbeidssituasjon ifølge deltakerne", "en": "Employment as reported"},
    "sw_emp_text": {
        "nb": "Deltakerne oppga selv arbeidssituasjonen sin ved hvert måletidspunkt. Tallene er "
              "beskrivende: andelene gjelder dem som svarte, og frafallet var ulikt i gruppene. "
              "Registerdata om overgang til arbeid er i kapitlet om arbeid.",
        "en": "Participants reported their own employment situation at each wave. The figures "
              "are descriptive: the shares concern those who answered, and attrition differed "
              "between arms. Register data on moving into work are in the employment chapter."},
    "sw_emp_caption": {"nb": "Arbeidssituasjon per måletidspunkt og gruppe – {project}",
                       "en": "Employment situation by wave and arm – {project}"},
    "sw_emp_valid": {"nb": "Gyldige svar", "en": "Valid answers"},
    # other projects
    "sw_other": {"nb": "Ung@jobb og Sør-Trøndelag: beskrivende endring",
                 "en": "Ung@jobb and Sør-Trøndelag: descriptive change"},
    "sw_other_text": {
        "nb": "Disse prosjektene hadde ingen kontrollgruppe, og alle deltakerne fikk kontorets "
              "metode. Tallene viser hvordan skårene endret seg blant dem som svarte, men sier "
              "ingenting om hvorvidt endringen skyldes metodene: situasjonen kan bedre seg med "
              "tiden uansett, og de som fortsatte å svare, kan skille seg fra dem som falt fra.",
        "en": "These projects had no control group, and every participant received the office's "
              "method. The figures show how scores changed among those who answered, but say "
              "nothing about whether the methods caused the change: things may improve with "
              "time anyway, and those who kept answering may differ from those who dropped out."},
    "sw_other_none": {"nb": "Datagrunnlaget har ingen deltakere fra Ung@jobb eller Sør-Trøndelag.",
                      "en": "The data hold no participants from Ung@jobb or Sør-Trøndelag."},
    "sw_other_fig_caption": {
        "nb": "Gjennomsnittlig skåre per måletidspunkt i Ung@jobb og Sør-Trøndelag (95 % KI; "
              "beskrivende, ingen kontrollgruppe)",
        "en": "Mean score by wave in Ung@jobb and Sør-Trøndelag (95% CI; descriptive, no control "
              "group)"},
    "sw_change_caption": {
        "nb": "Endring fra T0 blant deltakere som svarte ved begge tidspunktene (beskrivende, "
              "ikke et mål på effekt)",
        "en": "Change from T0 among participants who answered at both waves (descriptive, not a "
              "measure of effect)"},
    # headers
    "sw_h_scale": {"nb": "Skala", "en": "Scale"},
    "sw_h_project": {"nb": "Prosjekt", "en": "Project"},
    "sw_h_n": {"nb": "Svar (n)", "en": "Answers (n)"},
    "sw_h_alpha": {"nb": "Alfa", "en": "Alpha"},
    "sw_h_omega": {"nb": "Omega", "en": "Omega"},
    "sw_h_mean": {"nb": "Gjennomsnitt", "en": "Mean"},
    "sw_h_ci_low": {"nb": "95 % KI, nedre", "en": "95% CI, lower"},
    "sw_h_ci_high": {"nb": "95 % KI, øvre", "en": "95% CI, upper"},
    "sw_h_diff": {"nb": "Forskjell", "en": "Difference"},
    "sw_h_change": {"nb": "Endring", "en": "Change"},
    "sw_h_pairs": {"nb": "Deltakere (n)", "en": "Participants (n)"},
    "sw_h_n_t": {"nb": "Tiltak (n)", "en": "Treatment (n)"},
    "sw_h_n_c": {"nb": "Kontroll (n)", "en": "Control (n)"},
    "sw_h_method": {"nb": "Metode", "en": "Method"},
    "sw_h_participants": {"nb": "Deltakere (n)", "en": "Participants (n)"},
    "sw_h_chi2": {"nb": "Kjikvadrat", "en": "Chi-square"},
    "sw_h_df": {"nb": "Frihetsgrader", "en": "df"},
    "sw_h_p": {"nb": "p-verdi", "en": "p value"},
    "sw_h_patterns": {"nb": "Mønstre", "en": "Patterns"},
    "sw_h_status": {"nb": "Arbeidssituasjon", "en": "Employment"},
    "sw_h_wave_from": {"nb": "T0 til", "en": "T0 to"},
    "sw_missing_status": {"nb": "ikke beregnet", "en": "not computed"},
    "sw_share": {"nb": "Andel", "en": "Share"},
    "sw_reversed_mark": {"nb": "(R)", "en": "(R)"},
}
