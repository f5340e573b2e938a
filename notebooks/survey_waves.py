# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # survey_waves
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.survey_waves`; text and numbers come from computed values.

# %% tags=["parameters"]
# Parameters: what locates the stage; None runs on the demo data with params/final.yml
# (press "Run all" in JupyterLab). A build injects its own values after this cell.
params_file = None
data_dir = None
stage_file = None
results_file = None
fragments_dir = None
chapter_number = 1

# %%
from pku_eval import chapter
from pku_eval.chapters import survey_waves as content

ch = chapter.start("survey_waves", **chapter.params_from(globals()))

# %%
ch.heading("sw_title")
result = content.compute(ch.data, ch.params)
ch.record(result)
content.show_intro(ch, result)

# %%
content.show_reliability(ch, result)

# %%
content.show_means(ch, result)

# %%
content.show_model(ch, result)

# %%
content.show_missing(ch, result)

# %%
content.show_coaches(ch, result)

# %%
content.show_precision(ch, result)

# %%
content.show_employment(ch, result)

# %%
content.show_other_projects(ch, result)
