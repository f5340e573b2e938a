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
# # actors
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.actors`; text and numbers come from computed values.

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
from pku_eval.chapters import actors as content

ch = chapter.start("actors", **chapter.params_from(globals()))

# %%
ch.heading("act_title")
result = content.compute(ch.data, ch.params)
ch.record(result)
content.show_status(ch, result)

# %%
content.show_response(ch, result)

# %%
content.show_reliability(ch, result)

# %%
content.show_change(ch, result)

# %%
content.show_groups(ch, result)

# %%
content.show_projects(ch, result)

# %%
content.show_items(ch, result)
