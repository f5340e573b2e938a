"""The suite's version as a reader needs it: the package version and the git commit it was
built from (``pku-eval --version``, the report's title page). Light: no heavy imports."""

from __future__ import annotations

import subprocess

from . import __version__, config


def git_state() -> tuple[str, bool]:
    """(commit, dirty) of the project checkout; ('unknown', False) outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                cwd=config.PROJECT_ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        return commit or "unknown", bool(status)
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False


def version_string(state: tuple[str, bool] | None = None) -> str:
    """``0.1.0 (a1b2c3d)``; ``+`` after the hash when the working tree had uncommitted changes;
    ``0.1.0`` alone outside git."""
    commit, dirty = state or git_state()
    if commit == "unknown":
        return __version__
    return f"{__version__} ({commit[:7]}{'+' if dirty else ''})"
