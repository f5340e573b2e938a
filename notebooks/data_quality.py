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
# # data_quality
#
# Researcher's note (not shown in the report): each cell below is one call into `pku_eval.chapters.data_quality`; text and numbers come from computed values.

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
from pku_eval import chapter, receipts
from pku_eval.chapters import data_quality as content

ch = chapter.start("data_quality", **chapter.params_from(globals()))
deliveries = receipts.for_chapter(ch)  # what changed since the previous delivery (receipts)

# %%
ch.heading("dq_title")
response = content.compute(ch.data, ch.params)
ch.record(response)
content.show_flags(ch, response)
content.show_delivery_warning(ch, deliveries)
ch.text("dq_intro")

# %%
content.show_files(ch)

# %%
content.show_deliveries(ch, deliveries)

# %%
content.show_response(ch, response)

# %%
content.show_missing(ch)

# %%
content.show_mcar(ch)
