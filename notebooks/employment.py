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
# # employment
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.employment`; text and numbers come from computed values.

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
from pku_eval.chapters import employment as content

ch = chapter.start("employment", **chapter.params_from(globals()))

# %%
ch.heading("job_title")
result = content.compute(ch.data, ch.params)
ch.record(result)
content.show_intro(ch, result)

# %%
content.show_estimand(ch, result)
content.show_forecast(ch, result)

# %%
content.show_rates(ch, result)

# %%
content.show_effect(ch, result)

# %%
content.show_by_office(ch, result)
content.show_offices(ch, result)

# %%
content.show_time_to_work(ch, result)

# %%
content.show_sensitivity(ch, result)

# %%
content.show_external(ch, result)
content.show_external_ipw(ch, result)

# %%
content.show_status(ch, result)

# %%
content.show_limits(ch, result)
