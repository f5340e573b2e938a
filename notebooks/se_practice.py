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
# # se_practice
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.se_practice`; text and numbers come from computed values.

# %% tags=["parameters"]
# Parameters: the defaults run on the demo data (press "Run all" in JupyterLab).
# A build injects the values of its params file (params/*.yml) after this cell.
stage = "final"
title = "PKU – demo"
cutoff_date = "2016-12-31"
waves = ["T0", "T1", "T2"]
chapters = ["data_quality", "participants"]
language = "nb"
min_cell = 5
quality = {"min_response_rate": 0.70, "max_response_gap": 0.10}
seed = 2016
compare_with = None
filter = None
# set by the build (data_dir None = the demo data in data/demo/):
data_dir = None
stage_file = None
results_file = None
fragments_dir = None
chapter_number = 1

# %%
from pku_eval import chapter
from pku_eval.chapters import se_practice as content

ch = chapter.start("se_practice", **chapter.params_from(globals()))

# %%
ch.heading("se_title")
result = content.compute(ch.data, ch.params)
content.record(ch, result)
content.show_intro(ch, result)

# %%
content.show_intensity(ch, result)

# %%
content.show_coaches(ch, result)

# %%
content.show_stages(ch, result)

# %%
content.show_caseload(ch, result)

# %%
content.show_indicators(ch, result)

# %%
content.show_outcomes(ch, result)
