"""All paths of the project, in one place.

The data flow reads off these names: raw data (``data/``, never committed) → the processed
cache (``data/processed/``) → chapter notebooks (``notebooks/``) → reports (``reports/``).
Nothing else in the package hard-codes a path.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def _find_root() -> Path:
    env = os.environ.get("PKU_EVAL_ROOT")
    if env:
        return Path(env).resolve()
    # src/pku_eval/config.py -> project root is two levels above the package
    candidate = PACKAGE_DIR.parent.parent
    if (candidate / "notebooks").is_dir():
        return candidate
    return Path.cwd().resolve()


PROJECT_ROOT = _find_root()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DATA_DIR = DATA_DIR / "demo"
REPORTS_DIR = PROJECT_ROOT / "reports"
#: Processed-data cache (tidy tables per build input) and executed-chapter cache; both keyed
#: by content hashes, both safe to delete (`make clean`).
PROCESSED_DIR = Path(os.environ.get("PKU_EVAL_PROCESSED_DIR", DATA_DIR / "processed"))
CACHE_DIR = Path(os.environ.get("PKU_EVAL_CACHE_DIR", REPORTS_DIR / ".cache"))

#: Name of the Jupyter kernel chapters run in (installed with the package's venv).
KERNEL_NAME = "python3"
