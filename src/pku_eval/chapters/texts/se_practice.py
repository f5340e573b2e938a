"""Texts of the 'se_practice' chapter (nb and en)."""

TEXTS = {
    "se_title": {"nb": "Supported Employment i praksis", "en": "Supported Employment in practice"},
    "se_intro": {
        "nb": "Jobbspesialistene i KLAR førte logg over hvert kontaktpunkt med deltakerne: "
              "møter, telefoner, SMS, e-post, besøk på arbeidsplassen og møter med "
              "arbeidsgivere. Kapitlet bruker loggen til å beskrive hvor tett deltakerne ble "
              "fulgt opp, hvordan arbeidet fordelte seg på de fem fasene i SE, hvor mye av "
              "arbeidet som skjedde mot arbeidsgivere, og hvor mange deltakere hver "
              "jobbspesialist hadde. Kapitlet er beskrivende: det sier hva som ble gjort, ikke "
              "hva som virket.",
        "en": "The job coaches in KLAR logged every contact point with the participants: "
              "meetings, calls, text messages, e-mails, workplace visits and meetings with "
              "employers. This chapter uses the log to describe how closely participants were "
              "followed, how the work was spread over the five SE stages, how much of it was "
              "directed at employers, and how many participants each job coach had. The "
              "chapter is descriptive: it says what was done, not what worked."},
    "se_no_log": {
        "nb": "SE-loggen (se_log) finnes ikke i datagrunnlaget. Kapitlet kan derfor ikke vise "
              "hvordan jobbspesialistene arbeidet, og nøkkeltallene er tomme.",
        "en": "The SE log (se_log) is not in the data. This chapter therefore cannot show how "
              "the job coaches worked, and its key figures are empty."},
    "se_no_participants": {
        "nb": "Ingen deltakere i tiltaksgruppen ved SE-kontorene var fulgt i minst {days} dager "
              "per {cutoff}. Kapitlet har ikke noe å vise ennå.",
        "en": "No treatment participants at the SE offices had been followed for at least "
              "{days} days by {cutoff}. The chapter has nothing to show yet."},
    "se_too_few": {
        "nb": "Færre enn {min_cell} deltakere har SE-logg i denne rapporten. Tallene vises "
              "ikke, av personvernhensyn.",
        "en": "Fewer than {min_cell} participants have an SE log in this report. The figures "
              "are withheld to protect privacy."},
    "se_who": {"nb": "Hvem loggen gjelder", "en": "Whom the log covers"},
    "se_who_text": {
        "nb": "Loggen gjelder {n} deltakere i tiltaksgruppen ved kontorene som prøvde ut SE, "
              "som var fulgt i minst {days} dager per {cutoff}. Hver deltaker regnes fra "
              "inkluderingen til slutten av oppfølgingen (registeruttrekket eller "
              "rapportdatoen, det som kommer først). Til sammen utgjør det {months} "
              "deltakermåneder og {contacts} loggførte kontakter.",
        "en": "The log covers {n} treatment participants at the offices that tried SE who had "
              "been followed for at least {days} days by {cutoff}. Each participant counts from "
              "enrolment to the end of follow-up (the register extract or the report's cut-off, "
              "whichever comes first). Together that is {months} participant-months and "
              "{contacts} logged contacts."},
    "se_key_text": {
        "nb": "I gjennomsnitt hadde en deltaker {rate} kontakter per måned med "
              "jobbspesialisten (95 % KI {low}–{high}). Intervallet viser usikkerheten i "
              "gjennomsnittet: med like mange nye deltakere fulgt på samme måte ville "
              "gjennomsnittet trolig ligget i dette området. {share} av alle kontaktene var "
              "med en arbeidsgiver, alene eller sammen med deltakeren (95 % KI "
              "{share_low}–{share_high}).",
        "en": "On average a participant had {rate} contacts per month with the job coach (95% "
              "CI {low}–{high}). The interval shows the uncertainty of the average: with as "
              "many new participants followed the same way, the average would probably lie in "
              "this range. {share} of all contacts were with an employer, alone or together "
              "with the participant (95% CI {share_low}–{share_high})."},
    "se_key_note": {
        "nb": "Kontakter per deltakermåned: gjennomsnitt over deltakerne av antall kontakter "
              "delt på antall måneder fulgt (deltakere uten kontakt teller som 0), med "
              "t-intervall. Andel arbeidsgiverkontakter: alle kontakter slått sammen; "
              "intervallet er et bootstrap-intervall der deltakerne trekkes på nytt "
              "({reps} trekninger), fordi kontaktene til samme deltaker henger sammen.",
        "en": "Contacts per participant-month: mean over participants of contacts divided by "
              "months followed (participants without contacts count as 0), with a t interval. "
              "Share of employer contacts: all contacts pooled; the interval is a bootstrap "
              "interval that resamples participants ({reps} replicates), because the contacts "
              "of one participant are related."},
    # intensity
    "se_intensity": {"nb": "Hvor tett deltakerne ble fulgt opp", "en": "How closely participants "
                     "were followed"},
    "se_office_caption": {
        "nb": "SE-deltakere, kontakter og minutter per deltakermåned, per kontor",
        "en": "SE participants, contacts and minutes per participant-month, by office"},
    "se_office_note": {
        "nb": "Gjennomsnitt over deltakerne av kontakter (minutter) delt på måneder fulgt. "
              "Andel arbeidsgiverkontakter: kontakter med arbeidsgiver eller med arbeidsgiver "
              "og deltaker sammen, av alle kontaktene ved kontoret.",
        "en": "Mean over participants of contacts (minutes) divided by months followed. Share "
              "of employer contacts: contacts with the employer, or with employer and "
              "participant together, of all contacts at the office."},
    "se_office_text": {
        "nb": "Kontaktraten varierte mellom kontorene, fra {low} kontakter per deltakermåned "
              "ved {low_office} til {high} ved {high_office}.",
        "en": "The contact rate varied between offices, from {low} contacts per "
              "participant-month at {low_office} to {high} at {high_office}."},
    "se_type_caption": {
        "nb": "Kontakter per deltakermåned etter kontaktform, per kontor",
        "en": "Contacts per participant-month by contact type, by office"},
    "se_type_note": {
        "nb": "Alle kontakter av hver form ved kontoret delt på alle deltakermånedene ved "
              "kontoret. Radene summerer til den samlede raten for kontoret regnet på samme "
              "måte.",
        "en": "All contacts of each type at the office divided by all participant-months at "
              "the office. The rows add up to the office's overall rate computed the same way."},
    "se_type_text": {
        "nb": "Den vanligste kontaktformen var {top_type} ({top_share} av kontaktene). En "
              "kontakt varte i gjennomsnitt {minutes} minutter.",
        "en": "The most common contact type was {top_type} ({top_share} of contacts). A contact "
              "lasted {minutes} minutes on average."},
    "se_dist_caption": {
        "nb": "Kontakter per deltakermåned: fordeling over deltakerne, per kontor",
        "en": "Contacts per participant-month: distribution across participants, by office"},
    "se_dist_note": {
        "nb": "Boksen viser de midterste 50 % av deltakerne med medianen som strek; "
              "linjene går fra 5. til 95. prosentil. Enkeltdeltakere vises ikke. Kontorer med "
              "færre enn {min_cell} deltakere er ikke tegnet.",
        "en": "The box shows the middle 50% of participants with the median as a line; the "
              "whiskers run from the 5th to the 95th percentile. Single participants are not "
              "shown. Offices with fewer than {min_cell} participants are not drawn."},
    "se_dist_text": {
        "nb": "Halvparten av deltakerne hadde mellom {q1} og {q3} kontakter per måned "
              "(median {median}).",
        "en": "Half of the participants had between {q1} and {q3} contacts per month (median "
              "{median})."},
    # coaches
    "se_coaches": {"nb": "Forskjeller mellom jobbspesialistene",
                   "en": "Differences between job coaches"},
    "se_coach_text": {
        "nb": "Jobbspesialistene førte loggen ulikt. Figuren og tabellen viser kontaktraten "
              "for deltakerne til hver jobbspesialist. Jobbspesialistene er kalt A, B, C … "
              "innen hvert kontor, og ingen identitet vises. Blant jobbspesialister med minst "
              "{min_cell} deltakere lå gjennomsnittet fra {low} til {high} kontakter per "
              "deltakermåned. Forskjellene kan skyldes både ulik praksis og ulik "
              "loggføring; loggen alene kan ikke skille de to.",
        "en": "The job coaches kept the log differently. The figure and the table show the "
              "contact rate of each coach's participants. Coaches are labelled A, B, C … within "
              "each office, and no identity is shown. Among coaches with at least {min_cell} "
              "participants the mean ranged from {low} to {high} contacts per "
              "participant-month. The differences may come from different practice as well as "
              "different logging; the log alone cannot tell the two apart."},
    "se_coach_text_none": {
        "nb": "Ingen jobbspesialist hadde minst {min_cell} deltakere, så fordelingen per "
              "jobbspesialist vises ikke.",
        "en": "No job coach had at least {min_cell} participants, so the distribution by coach "
              "is not shown."},
    "se_coach_caption": {
        "nb": "Kontakter per deltakermåned for deltakerne til hver jobbspesialist",
        "en": "Contacts per participant-month of each job coach's participants"},
    "se_coach_note": {
        "nb": "En deltaker hører til jobbspesialisten som loggførte flest av deltakerens "
              "kontakter. Boksen viser de midterste 50 %, linjene 5. til 95. prosentil. "
              "Jobbspesialister med færre enn {min_cell} deltakere er ikke tegnet.",
        "en": "A participant belongs to the coach who logged most of the participant's "
              "contacts. The box shows the middle 50%, the whiskers the 5th to 95th "
              "percentile. Coaches with fewer than {min_cell} participants are not drawn."},
    "se_coach_table_note": {
        "nb": "En deltaker hører til jobbspesialisten som loggførte flest av deltakerens "
              "kontakter. Minutter per kontakt gjelder alle kontaktene jobbspesialisten "
              "loggførte.",
        "en": "A participant belongs to the coach who logged most of the participant's "
              "contacts. Minutes per contact cover all contacts the coach logged."},
    "se_coach_many_caption": {
        "nb": "Jobbspesialistenes gjennomsnittlige kontakter per deltakermåned, per kontor",
        "en": "Job coaches' mean contacts per participant-month, by office"},
    "se_coach_many_note": {
        "nb": "Hver jobbspesialist teller én gang, med gjennomsnittet for sine deltakere (de "
              "deltakerne jobbspesialisten loggførte flest kontakter med). Bare "
              "jobbspesialister med minst {min_cell} deltakere; boksen viser de midterste "
              "50 %, linjene 5. til 95. prosentil.",
        "en": "Each coach counts once, with the mean of the coach's participants (those the "
              "coach logged most contacts with). Only coaches with at least {min_cell} "
              "participants; the box shows the middle 50%, the whiskers the 5th to 95th "
              "percentile."},
    "se_coach_many_table_caption": {
        "nb": "Spredning i jobbspesialistenes gjennomsnittlige kontakter per deltakermåned",
        "en": "Spread of the job coaches' mean contacts per participant-month"},
    "se_h_coach_mean": {"nb": "Gjennomsnitt per jobbspesialist",
                        "en": "Mean per job coach"},
    "se_h_coaches": {"nb": "Jobbspesialister (n)", "en": "Job coaches (n)"},
    "se_h_coaches_shown": {"nb": "Med minst {min_cell} deltakere (n)",
                           "en": "With {min_cell}+ participants (n)"},
    "se_h_min": {"nb": "Lavest", "en": "Lowest"},
    "se_h_q1": {"nb": "Nedre kvartil", "en": "Lower quartile"},
    "se_h_median": {"nb": "Median", "en": "Median"},
    "se_h_q3": {"nb": "Øvre kvartil", "en": "Upper quartile"},
    "se_h_max": {"nb": "Høyest", "en": "Highest"},
    "se_coach_table_caption": {
        "nb": "Loggføring per jobbspesialist", "en": "Logging by job coach"},
    # stages
    "se_stages": {"nb": "De fem fasene i SE", "en": "The five SE stages"},
    "se_stage_text": {
        "nb": "Hver kontakt er ført på en av de fem fasene i SE: 1 avklaring og avtale, 2 "
              "kartlegging og karriereplan, 3 jobbsøking, 4 kontakt med arbeidsgiver, 5 "
              "oppfølging på og utenfor arbeidsplassen. Figuren viser hvordan kontaktene "
              "fordelte seg på fasene måned for måned etter inkluderingen. I første måned "
              "var {first_share} av kontaktene i fase 1; i måned {late_month} var "
              "{late_share} i fase 3–5.",
        "en": "Each contact is logged in one of the five SE stages: 1 engagement and "
              "agreement, 2 vocational profiling and career planning, 3 job finding, 4 "
              "employer engagement, 5 on- and off-the-job support. The figure shows how the "
              "contacts were spread over the stages month by month after enrolment. In the "
              "first month {first_share} of contacts were in stage 1; in month {late_month}, "
              "{late_share} were in stages 3–5."},
    "se_stage_caption": {
        "nb": "Andel av kontaktene i hver SE-fase, etter måneder siden inkludering",
        "en": "Share of contacts in each SE stage, by months since enrolment"},
    "se_stage_note": {
        "nb": "Måned 1 = de første 30,4 dagene etter inkludering. Vist til og med måned "
              "{months}, og bare måneder med minst {min_cell} deltakere i oppfølging.",
        "en": "Month 1 = the first 30.4 days after enrolment. Shown up to month {months}, and "
              "only months with at least {min_cell} participants in follow-up."},
    "se_stage_1": {"nb": "1 Avklaring og avtale", "en": "1 Engagement and agreement"},
    "se_stage_2": {"nb": "2 Kartlegging og karriereplan", "en": "2 Vocational profiling"},
    "se_stage_3": {"nb": "3 Jobbsøking", "en": "3 Job finding"},
    "se_stage_4": {"nb": "4 Kontakt med arbeidsgiver", "en": "4 Employer engagement"},
    "se_stage_5": {"nb": "5 Oppfølging i jobb", "en": "5 On/off-the-job support"},
    "se_time_text": {
        "nb": "Hvor raskt kom jobbsøkingen i gang? Kurvene under tar hensyn til at noen "
              "deltakere ennå ikke var kommet dit da oppfølgingen sluttet (Kaplan–Meier).",
        "en": "How soon did the job search start? The curves below take into account that some "
              "participants had not got there when their follow-up ended (Kaplan–Meier)."},
    "se_time_median": {
        "nb": "{event}: halvparten av deltakerne hadde den innen {median} dager etter "
              "inkluderingen (95 % KI {low}–{high} dager).",
        "en": "{event}: half of the participants had it within {median} days of enrolment "
              "(95% CI {low}–{high} days)."},
    "se_time_not_reached": {
        "nb": "{event}: færre enn halvparten hadde den før oppfølgingen sluttet; etter {days} "
              "dager hadde {share} hatt den.",
        "en": "{event}: fewer than half had it before their follow-up ended; after {days} days "
              "{share} had had it."},
    "se_time_caption": {
        "nb": "Andel deltakere som har hatt første kontakt i jobbsøkingsfasen (3–4) og første "
              "arbeidsgiverkontakt, etter dager siden inkludering",
        "en": "Share of participants who have had a first contact in the job-search stages "
              "(3–4) and a first employer contact, by days since enrolment"},
    "se_time_note": {
        "nb": "Kaplan–Meier, sensurert ved slutten av oppfølgingen; skyggen er et punktvis "
              "95 % konfidensintervall.",
        "en": "Kaplan–Meier, censored at the end of follow-up; the band is a pointwise 95% "
              "confidence interval."},
    "se_time_table_note": {
        "nb": "Kaplan–Meier, sensurert ved slutten av oppfølgingen. Intervallet for medianen "
              "er lest av det punktvise 95 % konfidensintervallet for kurven.",
        "en": "Kaplan–Meier, censored at the end of follow-up. The interval of the median is "
              "read off the pointwise 95% confidence band of the curve."},
    "se_time_table_caption": {
        "nb": "Tid fra inkludering til første kontakt i fase 3–4 og til første "
              "arbeidsgiverkontakt",
        "en": "Time from enrolment to the first contact in stage 3–4 and to the first employer "
              "contact"},
    "se_ev_search": {"nb": "Første kontakt i fase 3–4", "en": "First contact in stage 3–4"},
    "se_ev_employer": {"nb": "Første arbeidsgiverkontakt", "en": "First employer contact"},
    "se_employer_text": {
        "nb": "«Først ut i jobb, så opplæring» betyr at mye av arbeidet skal skje mot "
              "arbeidsgivere og på arbeidsplassen. {share} av kontaktene var med en "
              "arbeidsgiver eller på en arbeidsplass (arbeidsgiverkontakt, arbeidsplassbesøk "
              "eller arbeidsgivermøte).",
        "en": "\"Place then train\" means that much of the work should be directed at employers "
              "and take place at the workplace. {share} of contacts were with an employer or at "
              "a workplace (employer as counterpart, workplace visit or employer meeting)."},
    "se_employer_caption": {
        "nb": "Kontakter med arbeidsgiver eller på arbeidsplassen, per kontor",
        "en": "Contacts with employers or at the workplace, by office"},
    # caseload
    "se_caseload": {"nb": "Antall deltakere per jobbspesialist",
                    "en": "Participants per job coach"},
    "se_caseload_text": {
        "nb": "Kildedokumentene beskriver at jobbspesialistene hadde om lag {ref} deltakere "
              "hver, langt færre enn vanlige veiledere i NAV. I loggen hadde en "
              "jobbspesialist i gjennomsnitt {mean} aktive deltakere per måned (median "
              "{median}); i den travleste måneden var gjennomsnittet {peak}. {share_above} "
              "av månedene hadde jobbspesialisten flere enn {ref_high} deltakere.",
        "en": "The source documents describe job coaches with about {ref} participants each, "
              "far fewer than ordinary NAV advisers. In the log a job coach had {mean} active "
              "participants per month on average (median {median}); in the busiest month the "
              "average was {peak}. In {share_above} of the months the coach had more than "
              "{ref_high} participants."},
    "se_caseload_caption": {
        "nb": "Aktive deltakere per jobbspesialist per måned, gjennomsnitt per kontor",
        "en": "Active participants per job coach per month, mean by office"},
    "se_caseload_note": {
        "nb": "En deltaker er aktiv en måned når minst én kontakt er loggført den måneden, og "
              "hører den måneden til jobbspesialisten som loggførte flest av kontaktene. Det "
              "grå feltet er {ref} deltakere, slik kildedokumentene beskriver det. Måneder "
              "med færre enn {min_cell} aktive deltakere ved kontoret er ikke tegnet.",
        "en": "A participant is active in a month with at least one logged contact, and belongs "
              "that month to the coach who logged most of the contacts. The grey band is "
              "{ref} participants, as the source documents describe it. Months with fewer "
              "than {min_cell} active participants at the office are not drawn."},
    "se_caseload_ylabel": {"nb": "Deltakere per jobbspesialist",
                           "en": "Participants per job coach"},
    # indicators
    "se_indicators": {"nb": "Indikatorer som ligner SE-troskapsmål",
                      "en": "Indicators resembling SE fidelity items"},
    "se_indicators_text": {
        "nb": "Tabellen viser noen indikatorer som ligner punkter i skalaer for "
              "modelltroskap i SE/IPS (antall deltakere per jobbspesialist, rask jobbsøking, "
              "arbeidsgiverkontakt), sammen med dataene de bygger på. Dette er ikke en offisiell "
              "troskapsmåling: en slik måling skårer mange flere punkter, ut fra intervjuer, "
              "observasjon og journaler, og loggen dekker bare noen få av dem.",
        "en": "The table shows some indicators that resemble items of SE/IPS fidelity scales "
              "(participants per job coach, rapid job search, employer contact), together with "
              "the data they rest on. This is not an official fidelity score: such a review "
              "rates many more items, from interviews, observation and records, and the log "
              "covers only a few of them."},
    "se_indicators_caption": {
        "nb": "Indikatorer som ligner SE/IPS-troskapsmål (ikke en troskapsskår)",
        "en": "Indicators resembling SE/IPS fidelity items (not a fidelity score)"},
    "se_ind_caseload": {"nb": "Deltakere per jobbspesialist (aktive per måned)",
                        "en": "Participants per job coach (active per month)"},
    "se_ind_caseload_def": {
        "nb": "gjennomsnitt over jobbspesialist-måneder; kildene beskriver {ref}",
        "en": "mean over coach-months; the sources describe {ref}"},
    "se_ind_rapid": {"nb": "Rask jobbsøking", "en": "Rapid job search"},
    "se_ind_rapid_def": {
        "nb": "andel med første kontakt i fase 3–4 innen {days} dager etter inkludering",
        "en": "share with a first contact in stage 3–4 within {days} days of enrolment"},
    "se_ind_rapid_employer": {"nb": "Rask arbeidsgiverkontakt", "en": "Rapid employer contact"},
    "se_ind_rapid_employer_def": {
        "nb": "andel med første arbeidsgiverkontakt innen {days} dager etter inkludering",
        "en": "share with a first employer contact within {days} days of enrolment"},
    "se_ind_employer": {"nb": "Arbeidsgiverkontakt", "en": "Employer contact"},
    "se_ind_employer_def": {
        "nb": "andel av alle kontakter med arbeidsgiver (alene eller sammen med deltakeren)",
        "en": "share of all contacts with an employer (alone or with the participant)"},
    "se_ind_workplace": {"nb": "Arbeid ute", "en": "Work in the field"},
    "se_ind_workplace_def": {
        "nb": "andel av alle kontakter som er arbeidsplassbesøk eller arbeidsgivermøter",
        "en": "share of all contacts that are workplace visits or employer meetings"},
    "se_ind_value_ci": {"nb": "{value} (95 % KI {low}–{high})",
                        "en": "{value} (95% CI {low}–{high})"},
    "se_ind_basis_coach": {"nb": "{coaches} jobbspesialister, {months} jobbspesialist-måneder",
                           "en": "{coaches} job coaches, {months} coach-months"},
    "se_ind_basis_people": {"nb": "{n} deltakere", "en": "{n} participants"},
    "se_ind_basis_contacts": {"nb": "{contacts} kontakter, {n} deltakere",
                              "en": "{contacts} contacts, {n} participants"},
    "se_indicators_note": {
        "nb": "Intervall for andeler av deltakere: Wilson; for andeler av kontakter: bootstrap "
              "over deltakere.",
        "en": "Intervals for shares of participants: Wilson; for shares of contacts: bootstrap "
              "over participants."},
    # outcomes
    "se_outcomes": {"nb": "Loggen for dem som kom i arbeid og dem som ikke gjorde det",
                    "en": "The log of those who got work and those who did not"},
    "se_outcomes_text": {
        "nb": "Tabellen sammenligner loggen for SE-deltakere som kom i ordinært lønnet arbeid "
              "innen slutten av oppfølgingen ({n_yes}), med loggen for dem som ikke gjorde det "
              "({n_no}). De som kom i arbeid hadde {rate_yes} kontakter per deltakermåned, de "
              "andre {rate_no}. Sammenligningen er bare beskrivende og sier ikke at flere "
              "kontakter førte til jobb: deltakere som får jobb, får oppfølging i fase 5 "
              "etterpå, og de som fikk mange kontakter kan skille seg fra de andre på måter "
              "loggen ikke viser.",
        "en": "The table compares the log of SE participants who got ordinary paid work by the "
              "end of follow-up ({n_yes}) with the log of those who did not ({n_no}). Those who "
              "got work had {rate_yes} contacts per participant-month, the others {rate_no}. "
              "The comparison is descriptive only and does not say that more contacts led to "
              "work: participants who get a job receive stage 5 support afterwards, and those "
              "with many contacts may differ from the others in ways the log does not show."},
    "se_outcomes_none": {
        "nb": "Registerutfall (outcomes) finnes ikke i datagrunnlaget, så loggen kan ikke "
              "knyttes til overgang til arbeid.",
        "en": "The register outcomes (outcomes) are not in the data, so the log cannot be "
              "linked to transitions to work."},
    "se_outcomes_caption": {
        "nb": "SE-loggen etter om deltakeren kom i ordinært arbeid innen slutten av "
              "oppfølgingen",
        "en": "The SE log by whether the participant got ordinary work by the end of "
              "follow-up"},
    "se_outcomes_note": {
        "nb": "Bare SE-deltakere med registerdata. Høyeste fase: den høyeste SE-fasen som er "
              "loggført for deltakeren. Beskrivende tall, ingen årsakssammenheng.",
        "en": "SE participants with register data only. Highest stage: the highest SE stage "
              "logged for the participant. Descriptive figures, no causal claim."},
    "se_got_work": {"nb": "I arbeid", "en": "Got work"},
    "se_no_work": {"nb": "Ikke i arbeid", "en": "No work"},
    # table headers
    "se_h_participants": {"nb": "Deltakere (n)", "en": "Participants (n)"},
    "se_h_months": {"nb": "Deltakermåneder", "en": "Participant-months"},
    "se_h_contacts": {"nb": "Kontakter (n)", "en": "Contacts (n)"},
    "se_h_rate": {"nb": "Kontakter per deltakermåned", "en": "Contacts per participant-month"},
    "se_h_rate_median": {"nb": "Median kontakter per deltakermåned",
                         "en": "Median contacts per participant-month"},
    "se_h_minutes_rate": {"nb": "Minutter per deltakermåned",
                          "en": "Minutes per participant-month"},
    "se_h_minutes_contact": {"nb": "Minutter per kontakt", "en": "Minutes per contact"},
    "se_h_employer_share": {"nb": "Arbeidsgiverkontakter (%)", "en": "Employer contacts (%)"},
    "se_h_workplace_share": {"nb": "Med arbeidsgiver eller på arbeidsplass (%)",
                             "en": "With employer or at workplace (%)"},
    "se_h_coach": {"nb": "Jobbspesialist", "en": "Job coach"},
    "se_h_event": {"nb": "Hendelse", "en": "Event"},
    "se_h_median_days": {"nb": "Median dager", "en": "Median days"},
    "se_h_ci_low": {"nb": "KI nedre", "en": "CI lower"},
    "se_h_ci_high": {"nb": "KI øvre", "en": "CI upper"},
    "se_h_by_day": {"nb": "Innen {days} dager (%)", "en": "Within {days} days (%)"},
    "se_h_indicator": {"nb": "Indikator", "en": "Indicator"},
    "se_h_definition": {"nb": "Slik er den målt", "en": "How it is measured"},
    "se_h_value": {"nb": "Verdi", "en": "Value"},
    "se_h_basis": {"nb": "Bygger på", "en": "Based on"},
    "se_h_group": {"nb": "Gruppe", "en": "Group"},
    "se_h_any_employer": {"nb": "Minst én arbeidsgiverkontakt (%)",
                          "en": "At least one employer contact (%)"},
    "se_h_max_stage": {"nb": "Høyeste fase {stage} (%)", "en": "Highest stage {stage} (%)"},
    "se_h_max_stage_none": {"nb": "Ingen kontakt (%)", "en": "No contact (%)"},
    "se_x_months": {"nb": "Måneder siden inkludering", "en": "Months since enrolment"},
    "se_x_days": {"nb": "Dager siden inkludering", "en": "Days since enrolment"},
    "se_y_share_contacts": {"nb": "Andel av kontaktene (%)", "en": "Share of contacts (%)"},
    "se_y_share_reached": {"nb": "Andel deltakere (%)", "en": "Share of participants (%)"},
    "se_all_offices": {"nb": "Alle kontorer", "en": "All offices"},
    "se_source": {"nb": "SE-loggen", "en": "SE log"},
    "se_source_outcomes": {"nb": "SE-loggen og registerutfall",
                               "en": "SE log and register outcomes"},
    "se_source_seeds": {
        "nb": "SE-loggen; referanse: delrapporten fra evalueringen (AFI/Proba 2016)",
        "en": "SE log; reference: the evaluation's interim report (AFI/Proba 2016)"},
}
