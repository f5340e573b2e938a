"""Chapter content: one module per chapter notebook, one function per section.

Each function takes the open :class:`pku_eval.chapter.Chapter`, computes with the analysis
modules, publishes through ``ch.table``/``ch.figure`` and records results.json values.
"""
