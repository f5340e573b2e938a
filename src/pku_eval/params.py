"""Params of a report stage (REPORT_SPEC.md "Params"): reading and checking them.

Unknown keys and ill-typed values are refused with a message naming the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .codebook import WAVES
from . import config
from .errors import ParamsError


@dataclass(frozen=True)
class Quality:
    min_response_rate: float = 0.70
    max_response_gap: float = 0.10


@dataclass(frozen=True)
class Params:
    stage: str
    title: str
    cutoff_date: str                  # ISO date
    waves: tuple[str, ...] = WAVES
    chapters: tuple[str, ...] = ()
    language: str = "nb"
    min_cell: int = 5
    quality: Quality = field(default_factory=Quality)
    seed: int = 2016
    compare_with: str | None = None
    filter: dict | None = None

    def notebook_parameters(self) -> dict:
        """The params as papermill parameters (plain JSON types)."""
        d = asdict(self)
        d["waves"] = list(self.waves)
        d["chapters"] = list(self.chapters)
        return d

    @property
    def out_name(self) -> str:
        """Folder name under reports/: ``<stage>`` or ``<stage>-<filter value>``."""
        if self.filter:
            return f"{self.stage}-" + "-".join(str(v) for v in self.filter.values())
        return self.stage


_KEYS = {
    "stage": "one of interim, final",
    "title": "text",
    "cutoff_date": "a date YYYY-MM-DD",
    "waves": "a list of waves from T0, T1, T2",
    "chapters": "a list of notebook names in notebooks/",
    "language": "nb or en",
    "min_cell": "a whole number ≥ 1",
    "quality": "a mapping with min_response_rate and max_response_gap",
    "seed": "a whole number",
    "compare_with": "a path to an interim results.json, or empty",
    "filter": "a mapping {project: ...} or {office: ...}",
}


def parse_params(raw: dict, source: str = "params", notebooks_dir: Path | None = None) -> Params:
    """Check a params mapping and return :class:`Params`; every problem is reported at once."""
    if not isinstance(raw, dict):
        raise ParamsError(f"{source}: expected a YAML mapping of keys to values")
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    errs: list[str] = []

    def bad(key: str, value) -> None:
        errs.append(f"{source}: key '{key}': expected {_KEYS[key]}, got {value!r}")

    for key in raw:
        if key not in _KEYS:
            errs.append(f"{source}: unknown key '{key}' (known keys: {', '.join(_KEYS)})")
    for key in ("stage", "title", "cutoff_date", "chapters"):
        if key not in raw:
            errs.append(f"{source}: key '{key}' is required ({_KEYS[key]})")
    out: dict = {}
    if "stage" in raw:
        if raw["stage"] in ("interim", "final"):
            out["stage"] = raw["stage"]
        else:
            bad("stage", raw["stage"])
    if "title" in raw:
        if isinstance(raw["title"], str) and raw["title"].strip():
            out["title"] = raw["title"]
        else:
            bad("title", raw["title"])
    if "cutoff_date" in raw:
        v = raw["cutoff_date"]
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            out["cutoff_date"] = v.isoformat()
        elif isinstance(v, str):
            try:
                out["cutoff_date"] = dt.date.fromisoformat(v).isoformat()
            except ValueError:
                bad("cutoff_date", v)
        else:
            bad("cutoff_date", v)
    if "waves" in raw:
        v = raw["waves"]
        if (isinstance(v, list) and v and all(w in WAVES for w in v)
                and len(set(v)) == len(v) and v[0] == "T0"):
            out["waves"] = tuple(sorted(v, key=WAVES.index))
        else:
            errs.append(f"{source}: key 'waves': expected a list of waves from T0, T1, T2 "
                        f"starting with T0, got {v!r}")
    if "chapters" in raw:
        v = raw["chapters"]
        if isinstance(v, list) and v and all(isinstance(c, str) for c in v):
            for c in v:
                if not (Path(notebooks_dir) / f"{c}.ipynb").is_file():
                    errs.append(f"{source}: key 'chapters': no notebook '{c}.ipynb' in "
                                f"{notebooks_dir}")
            if len(set(v)) != len(v):
                errs.append(f"{source}: key 'chapters': a chapter is listed twice")
            out["chapters"] = tuple(v)
        else:
            bad("chapters", v)
    if "language" in raw:
        if raw["language"] in ("nb", "en"):
            out["language"] = raw["language"]
        else:
            bad("language", raw["language"])
    if "min_cell" in raw:
        v = raw["min_cell"]
        if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
            out["min_cell"] = v
        else:
            bad("min_cell", v)
    if "seed" in raw:
        v = raw["seed"]
        if isinstance(v, int) and not isinstance(v, bool):
            out["seed"] = v
        else:
            bad("seed", v)
    if "quality" in raw:
        v = raw["quality"]
        if not isinstance(v, dict):
            bad("quality", v)
        else:
            q = {}
            for k, val in v.items():
                if k not in ("min_response_rate", "max_response_gap"):
                    errs.append(f"{source}: unknown key 'quality.{k}' (known: "
                                "min_response_rate, max_response_gap)")
                elif (isinstance(val, (int, float)) and not isinstance(val, bool)
                      and 0 <= val <= 1):
                    q[k] = float(val)
                else:
                    errs.append(f"{source}: key 'quality.{k}': expected a proportion between "
                                f"0 and 1, got {val!r}")
            out["quality"] = Quality(**q)
    if "compare_with" in raw:
        v = raw["compare_with"]
        if v is None or (isinstance(v, str) and v.endswith(".json")):
            out["compare_with"] = v
        else:
            bad("compare_with", v)
    if "filter" in raw:
        v = raw["filter"]
        if v is None:
            out["filter"] = None
        elif (isinstance(v, dict) and len(v) == 1 and set(v) <= {"project", "office"}
              and all(isinstance(x, str) for x in v.values())):
            out["filter"] = dict(v)
        else:
            bad("filter", v)
    if errs:
        raise ParamsError("\n".join(errs))
    return Params(**out)


def read_params(path: Path, notebooks_dir: Path | None = None) -> Params:
    """Read and check a params YAML file."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"params file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    return parse_params(raw, source=str(path.name), notebooks_dir=notebooks_dir)


def parse_filter(value) -> dict:
    """``{"project": "klar"}``, ``{"office": "moss"}`` or the text ``project=klar``."""
    if isinstance(value, str):
        key, _, val = value.partition("=")
        value = {key.strip(): val.strip()}
    if (not isinstance(value, dict) or len(value) != 1 or set(value) - {"project", "office"}
            or not all(isinstance(v, str) and v for v in value.values())):
        raise ParamsError(f"filter: expected project=<code> or office=<code>, got {value!r}")
    return dict(value)
