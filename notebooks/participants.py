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
# # participants
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.participants`; text and numbers come from computed values.

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
from pku_eval.chapters import participants as content

ch = chapter.start("participants", **chapter.params_from(globals()))

# %%
ch.heading("pt_title")
ch.text("pt_intro")

# %%
result = content.compute(ch.data, ch.params)
ch.record(result)
content.show_flow(ch, result)

# %%
content.show_baseline(ch)
