"""environment.yml, pyproject.toml and requirements.lock agree on the dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from pku_eval import config


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_deps() -> dict[str, str]:
    data = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(r): r.replace(" ", "") for r in reqs}


def test_environment_yml_mirrors_pyproject():
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d): d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str)}
    conda.pop("python"), conda.pop("pip")
    assert conda == pyproject_deps()


def test_lock_pins_every_dependency():
    lock = (config.PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {_name(line): line.split("==")[1] for line in lock.splitlines()
              if "==" in line and not line.startswith("#")}
    missing = set(pyproject_deps()) - set(pinned)
    assert not missing, f"not pinned in requirements.lock (run make lock): {missing}"
