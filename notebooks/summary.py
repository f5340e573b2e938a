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
# # summary
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.summary`; text and numbers come from computed values.

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
from pku_eval.chapters import summary as content

ch = chapter.start("summary", **chapter.params_from(globals()))

# %%
ch.heading("sm_title")
ch.text("sm_intro")
result = content.compute(ch.build_results(), ch.params)
ch.record(result)

# %%
content.show_goals(ch, result)

# %%
content.show_comparison(ch, result)
