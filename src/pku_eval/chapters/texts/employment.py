"""Texts of the 'employment' chapter (nb and en)."""

TEXTS = {
    "job_title": {"nb": "Overgang til arbeid (registerdata)",
                 "en": "Transition to work (register data)"},
    "job_intro": {
        "nb": "Kapitlet svarer på hovedspørsmålet i KLAR-forsøket: fikk flere jobb med "
              "Supported Employment (SE) enn med vanlig oppfølging? Deltakerne ved de fire "
              "forsøkskontorene ble trukket tilfeldig til tiltaksgruppen (jobbspesialist, SE) "
              "eller den interne kontrollgruppen (vanlig oppfølging). Fordi trekningen var "
              "tilfeldig, kan en forskjell mellom disse to gruppene tilskrives SE, ut over det "
              "tilfeldigheter kan forklare. Den eksterne kontrollgruppen ved "
              "referansekontorene ble ikke trukket; sammenligninger med den er observasjonelle. "
              "Utfallet er første ordinære lønnede jobb i registerdata fram til "
              "oppfølgingsslutt ({end}). Deltakere uten registerdata regnes som manglende, "
              "ikke som «ikke i arbeid».",
        "en": "This chapter answers the main question of the KLAR trial: did more people get "
              "a job with Supported Employment (SE) than with usual follow-up? Participants at "
              "the four trial offices were allocated at random to the treatment arm (job "
              "coach, SE) or the internal control arm (usual follow-up). Because allocation "
              "was random, a difference between these two arms can be attributed to SE, beyond "
              "what chance can explain. The external control group at the reference offices "
              "was not allocated at random; comparisons with it are observational. The outcome "
              "is the first ordinary paid job in the register data up to the end of follow-up "
              "({end}). Participants without register data are counted as missing, not as "
              "\"not employed\"."},
    "job_no_outcomes": {
        "nb": "Registerdata (filen outcomes) finnes ikke i datagrunnlaget. Overgang til arbeid "
              "kan derfor ikke beregnes i denne rapporten.",
        "en": "The register data (the outcomes file) are not in the data. Transition to work "
              "cannot be computed in this report."},
    "job_no_klar": {
        "nb": "Datagrunnlaget har ingen KLAR-deltakere med registerdata; kapitlet har ingen "
              "resultater.",
        "en": "The data hold no KLAR participants with register data; the chapter has no "
              "results."},
    "job_interim": {
        "nb": "Foreløpige tall: registeruttrekket er datert etter skjæringsdatoen {cutoff}. "
              "En første jobb teller bare når den startet senest {cutoff}, og status på "
              "uttrekksdatoen brukes ikke. Mange deltakere er fulgt kort tid, så andelene vil "
              "øke og endre seg fram mot sluttrapporten.",
        "en": "Preliminary figures: the register extract is dated after the cut-off {cutoff}. "
              "A first job counts only when it began by {cutoff}, and the status on the extract "
              "date is not used. Many participants have been followed for a short time, so the "
              "shares will rise and change before the final report."},
    "job_followup_text": {
        "nb": "Deltakerne med registerdata er fulgt i median {median} måneder fra inklusjon "
              "(fra {low} til {high} måneder).",
        "en": "Participants with register data were followed for a median of {median} months "
              "from enrolment (from {low} to {high} months)."},
    # rates
    "job_rates": {"nb": "Andel som fikk jobb, per gruppe",
                 "en": "Share who got a job, by arm"},
    "job_rates_text": {
        "nb": "Blant KLAR-deltakerne med registerdata hadde {treatment} i tiltaksgruppen, "
              "{internal_control} i den interne kontrollgruppen og {external_control} i den "
              "eksterne kontrollgruppen fått en første ordinær jobb innen oppfølgingsslutt.",
        "en": "Among KLAR participants with register data, {treatment} in the treatment arm, "
              "{internal_control} in the internal control arm and {external_control} in the "
              "external control group had found a first ordinary job by the end of follow-up."},
    "job_missing_text": {
        "nb": "Registerdata mangler for {treatment} deltakere i tiltaksgruppen, "
              "{internal_control} i den interne og {external_control} i den eksterne "
              "kontrollgruppen. De er holdt utenfor andelene: vi vet ikke om de fikk jobb.",
        "en": "Register data are missing for {treatment} participants in the treatment arm, "
              "{internal_control} in the internal and {external_control} in the external "
              "control group. They are left out of the shares: we do not know whether they "
              "found a job."},
    "job_rates_caption": {
        "nb": "Første ordinære jobb innen oppfølgingsslutt, per gruppe (KLAR)",
        "en": "First ordinary job by the end of follow-up, by arm (KLAR)"},
    "job_rates_note": {
        "nb": "Andelen er regnet blant deltakere med registerdata. KI = 95 % "
              "konfidensintervall (Wilson).",
        "en": "The share is among participants with register data. CI = 95% confidence "
              "interval (Wilson)."},
    "job_rates_fig": {
        "nb": "Andel med første ordinære jobb innen oppfølgingsslutt, per gruppe, med 95 % KI",
        "en": "Share with a first ordinary job by the end of follow-up, by arm, with 95% CI"},
    "job_fig_small_note": {
        "nb": "Grupper med færre enn {min_cell} personer er ikke tegnet.",
        "en": "Groups with fewer than {min_cell} people are not drawn."},
    # randomised effect
    "job_effect": {"nb": "Effekten av SE i det randomiserte forsøket",
                  "en": "The effect of SE in the randomised trial"},
    "job_effect_text": {
        "nb": "Blant de randomiserte deltakerne med registerdata fikk {p_t} i tiltaksgruppen "
              "(n = {n_t}) og {p_c} i den interne kontrollgruppen (n = {n_c}) en første "
              "ordinær jobb. Forskjellen er {rd} prosentpoeng (95 % KI {lo} til {hi}; "
              "p = {p}). Deltakerne er analysert i gruppen de ble trukket til, uansett hva "
              "slags oppfølging de faktisk fikk.",
        "en": "Among randomised participants with register data, {p_t} in the treatment arm "
              "(n = {n_t}) and {p_c} in the internal control arm (n = {n_c}) found a first "
              "ordinary job. The difference is {rd} percentage points (95% CI {lo} to {hi}; "
              "p = {p}). Participants are analysed in the arm they were allocated to, whatever "
              "follow-up they actually received."},
    "job_effect_positive": {
        "nb": "Hele intervallet ligger over null: dataene tyder på at SE ga flere i jobb enn "
              "vanlig oppfølging. Effekten kan likevel være så liten som {lo} eller så stor som "
              "{hi} prosentpoeng.",
        "en": "The whole interval lies above zero: the data suggest that SE brought more "
              "people into work than usual follow-up. The effect may still be as small as {lo} "
              "or as large as {hi} percentage points."},
    "job_effect_negative": {
        "nb": "Hele intervallet ligger under null: dataene tyder på at færre fikk jobb med SE "
              "enn med vanlig oppfølging (mellom {lo} og {hi} prosentpoeng).",
        "en": "The whole interval lies below zero: the data suggest that fewer people found "
              "a job with SE than with usual follow-up (between {lo} and {hi} percentage "
              "points)."},
    "job_effect_unclear": {
        "nb": "Intervallet omfatter null: vi kan ikke si sikkert om SE ga flere eller færre i "
              "jobb enn vanlig oppfølging. Det betyr ikke at SE er uten effekt – dataene "
              "passer med alt fra {lo} til {hi} prosentpoeng.",
        "en": "The interval includes zero: we cannot say for sure whether SE brought more or "
              "fewer people into work than usual follow-up. This does not show that SE has no "
              "effect – the data are compatible with anything from {lo} to {hi} percentage "
              "points."},
    "job_ratio_text": {
        "nb": "Som forholdstall: relativ risiko {rr} (95 % KI {rr_lo}–{rr_hi}), oddsratio "
              "{or_} ({or_lo}–{or_hi}).",
        "en": "As ratios: risk ratio {rr} (95% CI {rr_lo}–{rr_hi}), odds ratio {or_} "
              "({or_lo}–{or_hi})."},
    "job_adjusted_text": {
        "nb": "Justert for kontor, alder, kjønn, hovedytelse, utdanning og innvandrerbakgrunn "
              "er oddsratioen {aor} (95 % KI {aor_lo}–{aor_hi}). Justeringen tar hensyn til "
              "tilfeldige skjevheter mellom gruppene ved oppstart; hovedresultatet er den "
              "ujusterte forskjellen.",
        "en": "Adjusted for office, age, gender, main benefit, education and immigrant "
              "background, the odds ratio is {aor} (95% CI {aor_lo}–{aor_hi}). The adjustment "
              "takes account of chance imbalances between the arms at baseline; the main "
              "result is the unadjusted difference."},
    "job_effect_caption": {
        "nb": "Effektmål for første ordinære jobb: tiltaksgruppe mot intern kontrollgruppe "
              "(randomiserte deltakere med registerdata)",
        "en": "Effect measures for a first ordinary job: treatment against internal control "
              "(randomised participants with register data)"},
    "job_effect_note": {
        "nb": "Risikoforskjell: Newcombes score-intervall og z-test. Relativ risiko og "
              "oddsratio: Wald-intervall på log-skala. Justert oddsratio: logistisk regresjon "
              "med kontor, alder ved inklusjon, kjønn, hovedytelse, utdanning og "
              "innvandrerbakgrunn; sjeldne kategorier (færre enn {rare} personer, eller der "
              "alle eller ingen fikk jobb) er slått sammen med den vanligste kategorien.",
        "en": "Risk difference: Newcombe score interval and z-test. Risk ratio and odds "
              "ratio: Wald interval on the log scale. Adjusted odds ratio: logistic regression "
              "on office, age at enrolment, gender, main benefit, education and immigrant "
              "background; sparse categories (fewer than {rare} people, or where all or none "
              "found a job) are merged with the most common category."},
    "job_m_rd": {"nb": "Risikoforskjell (prosentpoeng)",
                "en": "Risk difference (percentage points)"},
    "job_m_rr": {"nb": "Relativ risiko", "en": "Risk ratio"},
    "job_m_or": {"nb": "Oddsratio", "en": "Odds ratio"},
    "job_m_aor": {"nb": "Oddsratio, justert (kontor og bakgrunn)",
                 "en": "Odds ratio, adjusted (office and background)"},
    "job_m_hr": {"nb": "Hazard ratio (Cox, stratifisert på kontor)",
                "en": "Hazard ratio (Cox, stratified by office)"},
    "job_not_shown": {"nb": "Resultatet vises ikke: {why}",
                     "en": "The result is not shown: {why}"},
    "job_why_suppressed": {
        "nb": "færre enn {min_cell} deltakere med registerdata i en av gruppene.",
        "en": "fewer than {min_cell} participants with register data in one of the groups."},
    "job_why_no_data": {
        "nb": "det finnes ingen deltakere med registerdata i en av gruppene.",
        "en": "there are no participants with register data in one of the groups."},
    "job_why_no_events": {
        "nb": "ingen i gruppene som sammenlignes, har fått jobb ennå.",
        "en": "no one in the groups compared has found a job yet."},
    "job_why_undefined": {
        "nb": "målet er ikke definert for disse dataene (ingen eller alle har fått jobb i en "
              "gruppe).",
        "en": "the measure is not defined for these data (no one or everyone found a job in a "
              "group)."},
    "job_why_not_fitted": {
        "nb": "modellen kunne ikke tilpasses disse dataene (for få personer eller hendelser).",
        "en": "the model could not be fitted to these data (too few people or events)."},
    # per office
    "job_office_text": {
        "nb": "Tabellen viser resultatet per forsøkskontor. Tallene per kontor er små og "
              "usikkerheten stor: forskjeller mellom kontorene kan godt skyldes tilfeldigheter, "
              "og forsøket var ikke stort nok til å sammenligne kontorene. Verdier som bygger på "
              "færre enn {min_cell} personer i en gruppe, vises ikke.",
        "en": "The table shows the result for each trial office. The numbers per office are "
              "small and the uncertainty large: differences between offices may well be due "
              "to chance, and the trial was not large enough to compare offices. Values that "
              "rest on fewer than {min_cell} people in an arm are not shown."},
    "job_office_note": {
        "nb": "Forskjell = tiltaksgruppe minus intern kontrollgruppe, i prosentpoeng, med 95 % "
              "KI (Newcombe) og p fra z-test.",
        "en": "Difference = treatment minus internal control, in percentage points, with 95% "
              "CI (Newcombe) and p from the z-test."},
    "job_office_caption": {
        "nb": "Første ordinære jobb per forsøkskontor og gruppe (randomiserte deltakere med "
              "registerdata)",
        "en": "First ordinary job by trial office and arm (randomised participants with "
              "register data)"},
    # time to work
    "job_time": {"nb": "Tid til første jobb", "en": "Time to the first job"},
    "job_hr_text": {
        "nb": "Hazard ratioen for første ordinære jobb, tiltaksgruppe mot intern "
              "kontrollgruppe, er {hr} (95 % KI {lo}–{hi}; p = {p}). Det betyr at "
              "deltakerne i tiltaksgruppen til enhver tid i oppfølgingen hadde om lag {hr} "
              "ganger så stor «sjanse» for å få jobb som de i kontrollgruppen, blant dem som "
              "ennå ikke hadde fått jobb. En verdi over 1 betyr raskere overgang til jobb med "
              "SE. Modellen (Cox) sammenligner deltakere ved samme kontor og tar hensyn til at "
              "de er fulgt ulikt lenge.",
        "en": "The hazard ratio for a first ordinary job, treatment against internal control, "
              "is {hr} (95% CI {lo}–{hi}; p = {p}). At any time during follow-up, participants "
              "in the treatment arm who had not yet found a job had about {hr} times the "
              "\"chance\" of finding one compared with the control arm. A value above 1 means a "
              "faster transition to work with SE. The model (Cox) compares participants at the "
              "same office and takes account of different lengths of follow-up."},
    "job_ph_ok": {
        "nb": "Testen av proporsjonale hazarder gir p = {p}: ingen tegn til at forskjellen "
              "mellom gruppene endrer seg over tid.",
        "en": "The test of proportional hazards gives p = {p}: no sign that the difference "
              "between the arms changes over time."},
    "job_ph_warn": {
        "nb": "Testen av proporsjonale hazarder gir p = {p}: forskjellen mellom gruppene ser ut "
              "til å endre seg over tid. Hazard ratioen er da et gjennomsnitt over "
              "oppfølgingstiden og bør leses sammen med figuren.",
        "en": "The test of proportional hazards gives p = {p}: the difference between the arms "
              "seems to change over time. The hazard ratio is then an average over follow-up "
              "and should be read together with the figure."},
    "job_logrank_text": {
        "nb": "Log-rank-testen av forskjellen mellom kurvene for tiltaksgruppen og den interne "
              "kontrollgruppen gir p = {p}.",
        "en": "The log-rank test of the difference between the curves of the treatment and the "
              "internal control arm gives p = {p}."},
    "job_km_at_text": {
        "nb": "Etter {months} måneder hadde anslagsvis {treatment} i tiltaksgruppen og "
              "{internal_control} i den interne kontrollgruppen fått en første jobb "
              "(Kaplan–Meier).",
        "en": "After {months} months, an estimated {treatment} in the treatment arm and "
              "{internal_control} in the internal control arm had found a first job "
              "(Kaplan–Meier)."},
    "job_km_caption": {
        "nb": "Kumulativ andel med første ordinære jobb etter måneder siden inklusjon "
              "(Kaplan–Meier), per gruppe (KLAR, deltakere med registerdata)",
        "en": "Cumulative share with a first ordinary job by months since enrolment "
              "(Kaplan–Meier), by arm (KLAR, participants with register data)"},
    "job_km_note": {
        "nb": "Skyggen er 95 % KI. Tallene under figuren er antall som ennå ikke hadde fått jobb "
              "og fortsatt var fulgt opp (under risiko); * = færre enn {min_cell}. En kurve "
              "slutter der færre enn {min_cell} er under risiko. Den eksterne kontrollgruppen "
              "ble ikke trukket tilfeldig.",
        "en": "The band is the 95% CI. The numbers below the figure are those who had not yet "
              "found a job and were still followed (at risk); * = fewer than {min_cell}. A "
              "curve ends where fewer than {min_cell} are at risk. The external control group "
              "was not allocated at random."},
    "job_at_risk": {"nb": "Under risiko", "en": "Number at risk"},
    "job_months": {"nb": "Måneder siden inklusjon", "en": "Months since enrolment"},
    "job_cum_share": {"nb": "Andel med første jobb (%)", "en": "Share with a first job (%)"},
    "job_share_pct": {"nb": "Andel i jobb (%)", "en": "Share in work (%)"},
    # external comparison
    "job_external": {"nb": "Sammenligning med den eksterne kontrollgruppen (observasjonell)",
                    "en": "Comparison with the external control group (observational)"},
    "job_external_text": {
        "nb": "Den eksterne kontrollgruppen ved referansekontorene ble ikke trukket "
              "tilfeldig. Forskjeller mot tiltaksgruppen kan derfor skyldes hvem som fikk "
              "oppfølging ved de ulike kontorene og forhold ved kontorene, ikke bare SE. Vi "
              "justerer for alder, kjønn, hovedytelse, utdanning og innvandrerbakgrunn (og "
              "sammenligner innen fylke i Cox-modellen), men ikke for forhold vi ikke har målt. "
              "Dette er en observasjonell sammenligning, ikke et resultat av det randomiserte "
              "forsøket.",
        "en": "The external control group at the reference offices was not allocated at "
              "random. Differences from the treatment arm may therefore reflect who was "
              "followed up at which office and the offices themselves, not only SE. We adjust "
              "for age, gender, main benefit, education and immigrant background (and compare "
              "within county in the Cox model), but not for what was not measured. This is an "
              "observational comparison, not a result of the randomised trial."},
    "job_external_result": {
        "nb": "Justert oddsratio for første jobb, tiltaksgruppe mot ekstern kontrollgruppe: "
              "{or_} (95 % KI {lo}–{hi}); justert hazard ratio {hr} ({hr_lo}–{hr_hi}).",
        "en": "Adjusted odds ratio of a first job, treatment against external control: {or_} "
              "(95% CI {lo}–{hi}); adjusted hazard ratio {hr} ({hr_lo}–{hr_hi})."},
    "job_external_check": {
        "nb": "Som kontroll sammenligner vi også de to kontrollgruppene, som begge fikk vanlig "
              "oppfølging: justert oddsratio intern mot ekstern kontrollgruppe {or_} (95 % KI "
              "{lo}–{hi}). En klar forskjell her ville tyde på at kontorene eller deltakerne er "
              "ulike på måter justeringen ikke fanger opp.",
        "en": "As a check we also compare the two control groups, who both received usual "
              "follow-up: adjusted odds ratio internal against external control {or_} (95% CI "
              "{lo}–{hi}). A clear difference here would suggest that the offices or the "
              "participants differ in ways the adjustment does not capture."},
    "job_external_caption": {
        "nb": "Observasjonell sammenligning med den eksterne kontrollgruppen (justerte "
              "estimater, ikke forsøksresultat)",
        "en": "Observational comparison with the external control group (adjusted estimates, "
              "not a trial result)"},
    "job_external_note": {
        "nb": "Justert for alder ved inklusjon, kjønn, hovedytelse, utdanning og "
              "innvandrerbakgrunn. Oddsratio: logistisk regresjon. Hazard ratio: Cox-modell "
              "stratifisert på fylke. Sjeldne kategorier (færre enn {rare} personer, eller der "
              "alle eller ingen fikk jobb) er slått sammen med den vanligste kategorien.",
        "en": "Adjusted for age at enrolment, gender, main benefit, education and immigrant "
              "background. Odds ratio: logistic regression. Hazard ratio: Cox model stratified "
              "by county. Sparse categories (fewer than {rare} people, or where all or none "
              "found a job) are merged with the most common category."},
    "job_c_t_vs_e": {"nb": "Tiltaksgruppe mot ekstern kontrollgruppe",
                    "en": "Treatment against external control"},
    "job_c_c_vs_e": {"nb": "Intern mot ekstern kontrollgruppe (kontroll)",
                    "en": "Internal against external control (check)"},
    "job_aor": {"nb": "Justert oddsratio", "en": "Adjusted odds ratio"},
    "job_ahr": {"nb": "Justert hazard ratio", "en": "Adjusted hazard ratio"},
    # status
    "job_status": {"nb": "Status på uttrekksdatoen", "en": "Status on the extract date"},
    "job_status_text": {
        "nb": "Tabellen viser hva deltakerne med registerdata var registrert med på "
              "uttrekksdatoen. Status er et øyeblikksbilde: en som har hatt jobb, kan ha "
              "mistet den igjen.",
        "en": "The table shows what participants with register data were registered with on "
              "the extract date. Status is a snapshot: someone who had a job may have lost it "
              "again."},
    "job_status_not_used": {
        "nb": "Status på uttrekksdatoen brukes ikke i denne rapporten: registeruttrekket er "
              "datert etter skjæringsdatoen {cutoff} og beskriver en senere dag.",
        "en": "The status on the extract date is not used in this report: the register "
              "extract is dated after the cut-off {cutoff} and describes a later day."},
    "job_status_partly": {
        "nb": "For {n} deltakere er uttrekket datert etter skjæringsdatoen; deres status er "
              "ikke brukt.",
        "en": "For {n} participants the extract is dated after the cut-off; their status is "
              "not used."},
    "job_status_caption": {
        "nb": "Status på uttrekksdatoen per gruppe (KLAR, deltakere med registerdata)",
        "en": "Status on the extract date by arm (KLAR, participants with register data)"},
    "job_n_with_status": {"nb": "Med status (n)", "en": "With status (n)"},
    # limits
    "job_limits": {"nb": "Hva resultatene ikke sier", "en": "What the results do not show"},
    "job_limits_text": {
        "nb": "Resultatene gjelder fire NAV-kontor med få deltakere hver, og kan ikke uten "
              "videre overføres til andre kontor. Utfallet er første ordinære jobb, ikke om "
              "jobben varte eller hvor mange timer den ga. Deltakere uten registerdata er "
              "utelatt; skiller de seg fra de andre, kan andelene bli skjeve. Deltakerne og "
              "veilederne visste hvilken gruppe de var i.",
        "en": "The results concern four NAV offices with few participants each and cannot "
              "simply be carried over to other offices. The outcome is the first ordinary job, "
              "not whether the job lasted or how many hours it gave. Participants without "
              "register data are left out; if they differ from the others, the shares may be "
              "biased. Participants and advisers knew which arm they were in."},
    # table headers
    "job_h_measure": {"nb": "Mål", "en": "Measure"},
    "job_h_comparison": {"nb": "Sammenligning", "en": "Comparison"},
    "job_h_estimate": {"nb": "Estimat", "en": "Estimate"},
    "job_h_ci_low": {"nb": "95 % KI, nedre", "en": "95% CI, lower"},
    "job_h_ci_high": {"nb": "95 % KI, øvre", "en": "95% CI, upper"},
    "job_h_ci_low_pct": {"nb": "95 % KI, nedre (%)", "en": "95% CI, lower (%)"},
    "job_h_ci_high_pct": {"nb": "95 % KI, øvre (%)", "en": "95% CI, upper (%)"},
    "job_h_p": {"nb": "p", "en": "p"},
    "job_h_analysed": {"nb": "I analysene (n)", "en": "Analysed (n)"},
    "job_h_missing": {"nb": "Mangler registerdata (n)", "en": "No register data (n)"},
    "job_h_with": {"nb": "Med registerdata (n)", "en": "With register data (n)"},
    "job_h_share": {"nb": "Fikk jobb (%)", "en": "Found a job (%)"},
    "job_h_status": {"nb": "Status", "en": "Status"},
    "job_h_rd": {"nb": "Forskjell (prosentpoeng)", "en": "Difference (percentage points)"},
    "job_source": {"nb": "registerdata (NAV) og deltakerregisteret",
                  "en": "register data (NAV) and the participant register"},
    "job_suppressed_word": {"nb": "* (færre enn {min_cell})", "en": "* (fewer than {min_cell})"},
}
