"""What git holds: notebooks without outputs, no data under data/ but its README."""

from __future__ import annotations

import json
import subprocess

import pytest

from pku_eval import config


def tracked(pattern: str) -> list[str]:
    try:
        res = subprocess.run(["git", "ls-files", pattern], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [line for line in res.stdout.splitlines() if line]


def test_notebooks_have_no_outputs():
    for nb_path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} has outputs: strip them"
                assert cell.get("execution_count") is None, nb_path.name


def test_no_data_tracked():
    files = tracked("data/")
    assert set(files) <= {"data/README.md"}, f"data files in git: {files}"


def test_no_reports_tracked():
    assert set(tracked("reports/")) <= {"reports/README.md"}
