"""Texts of the 'summary' chapter (nb and en)."""

TEXTS = {
    "sm_title": {"nb": "Oppsummering: måloppnåelse", "en": "Summary: goal achievement"},
    "sm_intro": {
        "nb": "Tabellen samler rapportens nøkkeltall med 95 % konfidensintervall (KI). Et "
              "intervall som ikke omfatter «ingen forskjell» (0 for en forskjell, 1 for en "
              "hasardratio), tyder på en reell forskjell; et intervall som omfatter det, betyr "
              "at dataene ikke kan skille forskjellen fra tilfeldigheter – ikke at det ikke er "
              "noen forskjell.",
        "en": "The table brings together the report's key figures with 95% confidence "
              "intervals (CI). An interval that excludes \"no difference\" (0 for a difference, "
              "1 for a hazard ratio) points to a real difference; an interval that includes it "
              "means the data cannot tell the difference from chance – not that there is no "
              "difference."},
    "sm_goals": {"nb": "Nøkkeltall", "en": "Key figures"},
    "sm_goals_caption": {"nb": "Nøkkeltall med 95 % konfidensintervall og tolkning",
                         "en": "Key figures with 95% confidence interval and reading"},
    "sm_goals_note": {
        "nb": "SE = tiltaksgruppen (Supported Employment), sammenlignet med intern "
              "kontrollgruppe. Forskjeller i ordinært arbeid er i prosentpoeng.",
        "en": "SE = the treatment arm (Supported Employment), compared with the internal "
              "control arm. Differences in ordinary work are in percentage points."},
    "sm_counts": {
        "nb": "{n_avail} av de {n} nøkkeltallene med konfidensintervall finnes i denne "
              "rapporten. For {n_clear} av dem utelukker intervallet «ingen forskjell»; for "
              "{n_unclear} gjør det ikke.",
        "en": "{n_avail} of the {n} key figures with a confidence interval are available in "
              "this report. For {n_clear} of them the interval excludes \"no difference\"; for "
              "{n_unclear} it does not."},
    "sm_counts_none": {
        "nb": "Ingen av de {n} nøkkeltallene med konfidensintervall kan beregnes i denne "
              "rapporten; tabellen viser hvorfor.",
        "en": "None of the {n} key figures with a confidence interval can be computed in this "
              "report; the table shows why."},
    "sm_source": {"nb": "kapitlene i denne rapporten (results.json)",
                  "en": "the chapters of this report (results.json)"},
    # labels
    "sm_l_risk_difference": {
        "nb": "Ordinært arbeid: SE minus intern kontroll (prosentpoeng)",
        "en": "Ordinary work: SE minus internal control (percentage points)"},
    "sm_l_hazard_ratio": {"nb": "Tid til arbeid: hasardratio SE mot intern kontroll",
                          "en": "Time to work: hazard ratio SE vs internal control"},
    "sm_l_arm_by_wave": {
        "nb": "{scale}: endring T0–{wave}, SE minus intern kontroll",
        "en": "{scale}: change T0–{wave}, SE minus internal control"},
    "sm_l_learning": {"nb": "{scale}: endring før–etter (ansatte)",
                      "en": "{scale}: change before–after (employees)"},
    "sm_l_flags": {"nb": "Varsler om datakvalitet", "en": "Data-quality flags"},
    # readings
    "sm_read_positive_trial": {
        "nb": "KI-et utelukker {null}: en forskjell i favør av SE.",
        "en": "The CI excludes {null}: a difference in favour of SE."},
    "sm_read_negative_trial": {
        "nb": "KI-et utelukker {null}: en forskjell i favør av intern kontrollgruppe.",
        "en": "The CI excludes {null}: a difference in favour of the internal control arm."},
    "sm_read_unclear_trial": {
        "nb": "KI-et omfatter {null}: ingen klar forskjell.",
        "en": "The CI includes {null}: no clear difference."},
    "sm_read_positive_learning": {
        "nb": "KI-et utelukker {null}: en økning fra før til etter.",
        "en": "The CI excludes {null}: an increase from before to after."},
    "sm_read_negative_learning": {
        "nb": "KI-et utelukker {null}: en nedgang fra før til etter.",
        "en": "The CI excludes {null}: a decrease from before to after."},
    "sm_read_unclear_learning": {
        "nb": "KI-et omfatter {null}: ingen klar endring.",
        "en": "The CI includes {null}: no clear change."},
    "sm_read_no_ci": {
        "nb": "Uten konfidensintervall kan forskjellen ikke skilles fra tilfeldigheter.",
        "en": "Without a confidence interval the difference cannot be told from chance."},
    "sm_read_na": {"nb": "Ikke tilgjengelig: {reason}.", "en": "Not available: {reason}."},
    "sm_read_flags_none": {"nb": "Ingen varsler om frafall.", "en": "No attrition flags."},
    "sm_read_flags_one": {"nb": "Ett varsel: {codes}. Se kapitlet om datakvalitet.",
                          "en": "One flag: {codes}. See the data-quality chapter."},
    "sm_read_flags_many": {"nb": "{n} varsler: {codes}. Se kapitlet om datakvalitet.",
                           "en": "{n} flags: {codes}. See the data-quality chapter."},
    "sm_flag_attrition": {"nb": "frafall", "en": "attrition"},
    "sm_flag_differential_attrition": {"nb": "skjevt frafall mellom grupper",
                                       "en": "differential attrition"},
    # short conclusions (comparison table)
    "sm_c_positive_trial": {"nb": "i favør av SE", "en": "in favour of SE"},
    "sm_c_negative_trial": {"nb": "i favør av intern kontroll",
                            "en": "in favour of internal control"},
    "sm_c_unclear_trial": {"nb": "ingen klar forskjell", "en": "no clear difference"},
    "sm_c_positive_learning": {"nb": "økning", "en": "increase"},
    "sm_c_negative_learning": {"nb": "nedgang", "en": "decrease"},
    "sm_c_unclear_learning": {"nb": "ingen klar endring", "en": "no clear change"},
    "sm_c_no_ci": {"nb": "uten KI", "en": "no CI"},
    "sm_c_na": {"nb": "ikke tilgjengelig", "en": "not available"},
    "sm_c_none": {"nb": "ingen varsler", "en": "no flags"},
    # null reasons shown to readers
    "sm_reason_suppressed": {
        "nb": "skjult av personvernhensyn (færre enn {min_cell} personer)",
        "en": "withheld to protect privacy (fewer than {min_cell} people)"},
    "sm_reason_not_part": {"nb": "kapitlet «{name}» er ikke med i denne rapporten",
                           "en": "chapter '{name}' is not part of this report"},
    "sm_reason_not_computed": {"nb": "ikke beregnet av kapitlet «{name}»",
                               "en": "not computed by the '{name}' chapter"},
    "sm_reason_missing_key": {"nb": "mangler i resultatene", "en": "missing from the results"},
    "sm_reason_post_round": {"nb": "andre runde var ikke besvart ved sluttdatoen for data",
                             "en": "the post round was not yet answered by the cut-off"},
    "sm_reason_not_due": {"nb": "{wave} var ikke forfalt ved sluttdatoen for data",
                          "en": "{wave} was not yet due by the cut-off"},
    "sm_reason_no_file": {"nb": "filen {name} finnes ikke i datagrunnlaget",
                          "en": "the file {name} is not in the data"},
    # comparison
    "sm_compare": {"nb": "Fra delrapport til sluttrapport",
                   "en": "From the interim to the final report"},
    "sm_compare_intro": {
        "nb": "Tabellen setter tallene fra delrapporten ({interim_file}) ved siden av tallene "
              "i denne rapporten. «Holdt» betyr at delrapportens konklusjon (om KI-et utelukket "
              "«ingen forskjell», og i hvilken retning) er den samme nå.",
        "en": "The table sets the figures of the interim report ({interim_file}) beside the "
              "figures of this report. \"Held\" means that the interim conclusion (whether the "
              "CI excluded \"no difference\", and in which direction) is the same now."},
    "sm_compare_counts": {
        "nb": "Av {n} nøkkeltall som finnes i begge rapportene, holdt konklusjonen for {held}.",
        "en": "Of {n} key figures present in both reports, the conclusion held for {held}."},
    "sm_compare_changed": {"nb": "Konklusjonen endret seg for: {labels}.",
                           "en": "The conclusion changed for: {labels}."},
    "sm_compare_none": {
        "nb": "Ingen nøkkeltall finnes i begge rapportene; konklusjonene kan ikke sammenlignes.",
        "en": "No key figure is present in both reports; the conclusions cannot be compared."},
    "sm_compare_caption": {
        "nb": "Nøkkeltall i delrapporten og i sluttrapporten: estimat (95 % KI)",
        "en": "Key figures in the interim and the final report: estimate (95% CI)"},
    "sm_compare_note": {
        "nb": "Endring = sluttrapportens estimat minus delrapportens, i samme enhet. Tallene "
              "i delrapporten bygger på færre deltakere og kortere oppfølging.",
        "en": "Change = the final estimate minus the interim estimate, in the same unit. The "
              "interim figures rest on fewer participants and a shorter follow-up."},
    "sm_compare_interim_stage": {
        "nb": "Dette er delrapporten. Sluttrapporten setter disse tallene ved siden av de "
              "endelige.",
        "en": "This is the interim report. The final report sets these figures beside the "
              "final ones."},
    "sm_compare_not_set": {
        "nb": "Ingen sammenligning med delrapporten: parameteren compare_with peker ikke på "
              "noen fil.",
        "en": "No comparison with the interim report: the parameter compare_with names no "
              "file."},
    "sm_compare_missing": {
        "nb": "Resultatene fra delrapporten ({interim_file}) finnes ikke, så sammenligningen "
              "med delrapporten er utelatt. Bygg delrapporten først (make report bygger "
              "begge).",
        "en": "The interim results ({interim_file}) do not exist, so the comparison with the "
              "interim report is left out. Build the interim report first (make report "
              "builds both)."},
    "sm_compare_unreadable": {
        "nb": "Resultatene fra delrapporten ({interim_file}) kunne ikke leses ({error}); "
              "sammenligningen er utelatt.",
        "en": "The interim results ({interim_file}) could not be read ({error}); the "
              "comparison is left out."},
    "sm_compare_stage_warning": {
        "nb": "Merk: filen det sammenlignes med, er fra en rapport av typen «{stage}», ikke "
              "en delrapport.",
        "en": "Note: the file compared with comes from a \"{stage}\" report, not an interim "
              "report."},
    "sm_compare_filter_warning": {
        "nb": "Merk: delrapporten gjelder et annet utvalg ({interim_filter}) enn denne "
              "rapporten ({filter}).",
        "en": "Note: the interim report covers another selection ({interim_filter}) than this "
              "report ({filter})."},
    "sm_all_data": {"nb": "alle data", "en": "all data"},
    "sm_held_yes": {"nb": "ja", "en": "yes"},
    "sm_held_no": {"nb": "nei: {a} → {b}", "en": "no: {a} → {b}"},
    "sm_held_na_interim": {"nb": "kan ikke vurderes (mangler i delrapporten)",
                           "en": "cannot be judged (not in the interim report)"},
    "sm_held_na_final": {"nb": "kan ikke vurderes (mangler i denne rapporten)",
                         "en": "cannot be judged (not in this report)"},
    "sm_held_na_both": {"nb": "kan ikke vurderes (mangler i begge)",
                        "en": "cannot be judged (in neither report)"},
    "sm_held_na_ci": {"nb": "kan ikke vurderes (uten KI)",
                      "en": "cannot be judged (no CI)"},
    # headers
    "sm_h_figure": {"nb": "Nøkkeltall", "en": "Key figure"},
    "sm_h_estimate": {"nb": "Estimat", "en": "Estimate"},
    "sm_h_ci": {"nb": "95 % KI", "en": "95% CI"},
    "sm_h_p": {"nb": "p", "en": "p"},
    "sm_h_reading": {"nb": "Tolkning", "en": "Reading"},
    "sm_h_interim": {"nb": "Delrapport", "en": "Interim"},
    "sm_h_final": {"nb": "Sluttrapport", "en": "Final"},
    "sm_h_change": {"nb": "Endring", "en": "Change"},
    "sm_h_held": {"nb": "Konklusjonen holdt", "en": "Conclusion held"},
    "sm_ci": {"nb": "{lo} til {hi}", "en": "{lo} to {hi}"},
}
