"""pku-eval: the reproducible evaluation suite for the PKU field trial.

Data flow: ``validate`` (raw files against the contract) → ``tidy`` (typed tables, one report
stage) → analysis modules (``quality``, ``flow``, ``stats``) → chapters (notebooks, via
``chapter``) → ``build`` (papermill + nbconvert → one HTML report and ``results.json``).
"""

__version__ = "0.1.0"
