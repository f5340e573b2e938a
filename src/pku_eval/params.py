"""Params of a report stage (REPORT_SPEC.md "Params"): reading and checking them.

Unknown keys and ill-typed values are refused with a message naming the key.

Params are data, not code paths: a chapter is a plain name of a notebook in the project's
``notebooks/``, a filter value is a plain code (it becomes part of a folder name), the YAML may not
use anchors or aliases (no "billion laughs"), the file is at most :data:`MAX_PARAMS_BYTES`, and
every value quoted in a message is shortened by :func:`quote`.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from dataclasses import asdict, dataclass, field
from typing import ClassVar
from pathlib import Path

import yaml

from . import config
from .codebook import DAYS_PER_MONTH, WAVES
from .errors import ParamsError

#: A chapter name or a filter value: a plain lower-case identifier (the data contract's codes,
#: ``validate.CODE_PATTERN``, and ``pku-eval new-chapter`` names follow the same rule).
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
#: Longest chapter name or filter value (both end up in file or folder names).
MAX_NAME_LENGTH = 64
#: Largest params file read (the shipped ones are well under 1 kB).
MAX_PARAMS_BYTES = 1_000_000
#: Deepest nesting of lists and mappings in a params file (the format needs 2).
MAX_PARAMS_DEPTH = 8
#: Most problems listed in one error; the rest are counted.
MAX_PROBLEMS = 20
#: Longest quoted value in a message (see :func:`quote`).
QUOTE_LIMIT = 80
_NAME = re.compile(NAME_PATTERN)
_PLAIN_NAME = (f"a plain name (lower-case letters, digits and _, starting with a letter, "
               f"at most {MAX_NAME_LENGTH} characters)")

_MAX_ITEMS = 8  # items of a list or mapping shown by quote()
#: Longest author name or institution (a title page line, not a paragraph).
MAX_TEXT_LENGTH = 200
#: Longest report version ("1.0", "2.1-utkast").
MAX_VERSION_LENGTH = 40


def quote(value, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` shortened to at most about ``limit`` characters, for error messages.

    The work is bounded too (``reprlib``): a value of hundreds of megabytes is never rendered
    in full. A shortened text or collection says how long it was.

    >>> quote("summary")
    "'summary'"
    >>> quote("a" * 1000, 20)
    "'aaaaaaa...aaaaaaaa' (1,000 characters)"
    >>> quote(list(range(100)), 30)
    '[0, 1, 2, 3, 4, 5, 6, 7, ...] (100 items)'
    """
    r = reprlib.Repr()
    r.maxlevel = 3
    r.maxstring = r.maxother = r.maxlong = limit
    r.maxlist = r.maxtuple = r.maxset = r.maxfrozenset = r.maxdict = _MAX_ITEMS
    try:
        text = r.repr(value)
    except Exception:  # e.g. an int too large to print (ValueError); a broken __repr__
        text = (f"<int of {value.bit_length():,} bits>" if isinstance(value, int)
                else f"<{type(value).__name__}>")
    text = _cut(text, limit)
    if isinstance(value, str) and len(value) > limit - 2:
        text += f" ({len(value):,} characters)"
    elif isinstance(value, bytes) and len(value) > limit - 3:
        text += f" ({len(value):,} bytes)"
    elif isinstance(value, (list, tuple, dict, set, frozenset)) and len(value) > _MAX_ITEMS:
        text += f" ({len(value):,} items)"
    return text


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (the last one an ellipsis)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _some(values: list, shown: int = 3) -> str:
    """The first few of ``values`` quoted (40 characters each), and how many more there are."""
    text = ", ".join(quote(v, 40) for v in values[:shown])
    return text + (f" and {len(values) - shown:,} more" if len(values) > shown else "")


def _plausible_path(text: str) -> bool:
    """A path the operating system can look up: printable, at most 4096 bytes, and no part
    longer than 255 bytes (else ``Path.exists()`` raises instead of answering False)."""
    def size(part: str) -> int:
        return len(part.encode("utf-8", "surrogatepass"))

    return (text.isprintable() and size(text) <= 4096
            and all(size(part) <= 255 for part in Path(text).parts))


def _line(value, limit: int) -> bool:
    """True for a non-blank text of one line and at most ``limit`` characters (a name, an
    institution or a version on the title page)."""
    return (isinstance(value, str) and bool(value.strip()) and len(value.strip()) <= limit
            and value.strip().isprintable())


def is_plain_name(value) -> bool:
    """True for a chapter name or filter value such as ``data_quality`` or ``klar``."""
    return (isinstance(value, str) and len(value) <= MAX_NAME_LENGTH
            and _NAME.fullmatch(value) is not None)


@dataclass(frozen=True)
class Quality:
    min_response_rate: float = 0.70
    max_response_gap: float = 0.10


@dataclass(frozen=True)
class AnalysisPlan:
    """The pre-specified plan, in brief: the primary outcome and its fixed horizon."""

    primary: str = "employment"
    horizon_months: int = 12

    #: The family of secondary comparisons of the randomised arms, Holm-adjusted together:
    #: (results.json path of the estimate, path of its Holm-adjusted p-value). ``{scale}``
    #: runs over the survey scales, ``{wave}`` is the last wave of the params. The primary
    #: estimate is not in it; every other test of the report is exploratory.
    SECONDARY: ClassVar[tuple[tuple[str, str], ...]] = (
        ("employment.risk_difference", "employment.risk_difference_p_value_holm"),
        ("time_to_work.hazard_ratio", "time_to_work.hazard_ratio_p_value_holm"),
        ("scales.{scale}.arm_by_wave.{wave}", "scales.{scale}.arm_by_wave_p_value_holm.{wave}"),
    )

    def secondary_family(self, waves, scales) -> list[tuple[str, str]]:
        """:data:`SECONDARY` for a report: (estimate path, Holm path) pairs, ``{scale}`` over
        ``scales``, ``{wave}`` the last of ``waves`` after T0 (no scale pair without one)."""
        later = [w for w in waves if w != "T0"]
        pairs = []
        for estimate, adjusted in self.SECONDARY:
            if "{scale}" not in estimate:
                pairs.append((estimate, adjusted))
            elif later:
                pairs += [(estimate.format(scale=s, wave=later[-1]),
                           adjusted.format(scale=s, wave=later[-1])) for s in scales]
        return pairs

    @property
    def horizon_days(self) -> float:
        """The horizon in days after enrolment (months × 30.4375; 365.25 for 12 months)."""
        return self.horizon_months * DAYS_PER_MONTH


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
    analysis_plan: AnalysisPlan = field(default_factory=AnalysisPlan)
    title_en: str | None = None       # the title of the report in English (optional)
    # the title page and running header (optional): who wrote the report, where, how final
    authors: tuple[str, ...] = ()     # names, in the order the title page shows them
    institution: str | None = None    # the institution (or institutions) behind the report
    status: str = "draft"             # draft or final: "Utkast"/"Draft", "Endelig"/"Final"
    report_version: str | None = None  # the report's own version ("1.0"), beside pku-eval's

    def notebook_parameters(self) -> dict:
        """The params as papermill parameters (plain JSON types)."""
        d = asdict(self)
        d["waves"] = list(self.waves)
        d["chapters"] = list(self.chapters)
        d["authors"] = list(self.authors)
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
    "chapters": f"a list of notebook names in notebooks/, each {_PLAIN_NAME}",
    "language": "nb or en",
    "min_cell": "a whole number ≥ 1",
    "quality": "a mapping with min_response_rate and max_response_gap",
    "seed": "a whole number from 0 to 2**32 - 1",
    "compare_with": "a path to an interim results.json (ending in .json), or empty",
    "filter": "a mapping {project: <code>} or {office: <code>}, the code " + _PLAIN_NAME,
    "analysis_plan": "a mapping with primary (employment) and horizon_months (1 to 120)",
    "title_en": "text (the title when language is en), or empty",
    "authors": f"a list of names (each text of at most {MAX_TEXT_LENGTH} characters), or empty",
    "institution": f"text of at most {MAX_TEXT_LENGTH} characters, or empty",
    "status": "one of draft, final",
    "report_version": (f'text of at most {MAX_VERSION_LENGTH} characters in quotes, e.g. "1.0" '
                       '(a bare 1.0 is read as a number), or empty'),
}


def parse_params(raw: dict, source: str = "params", notebooks_dir: Path | None = None,
                 check_notebooks: bool = True) -> Params:
    """Check a params mapping and return :class:`Params`; every problem is reported at once.
    ``check_notebooks=False``: the chapters need not have notebooks here (a chapter reading
    its build's params: the build checked them)."""
    if not isinstance(raw, dict):
        raise ParamsError(f"{source}: expected a YAML mapping of keys to values, "
                          f"got {quote(raw)}")
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    errs: list[str] = []

    def bad(key: str, value) -> None:
        errs.append(f"{source}: key '{key}': expected {_KEYS[key]}, got {quote(value)}")

    def unknown_subkeys(key: str, value: dict, known: tuple[str, ...]) -> None:
        unknown = [f"{key}.{k}" for k in value if k not in known]
        if unknown:
            errs.append(f"{source}: unknown key{'s' if len(unknown) > 1 else ''} "
                        f"{_some(unknown)} (known: {', '.join(known)})")

    unknown = [key for key in raw if key not in _KEYS]
    if unknown:
        errs.append(f"{source}: unknown key{'s' if len(unknown) > 1 else ''} "
                    f"{_some(unknown)} (known keys: {', '.join(_KEYS)})")
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
    if raw.get("title_en") is not None:
        if isinstance(raw["title_en"], str) and raw["title_en"].strip():
            out["title_en"] = raw["title_en"]
        else:
            bad("title_en", raw["title_en"])
    if raw.get("authors") is not None:
        v = raw["authors"]
        if isinstance(v, list) and all(_line(a, MAX_TEXT_LENGTH) for a in v):
            out["authors"] = tuple(a.strip() for a in v)
        else:
            bad("authors", v)
    if raw.get("institution") is not None:
        if _line(raw["institution"], MAX_TEXT_LENGTH):
            out["institution"] = raw["institution"].strip()
        else:
            bad("institution", raw["institution"])
    if "status" in raw:
        if raw["status"] in ("draft", "final"):
            out["status"] = raw["status"]
        else:
            bad("status", raw["status"])
    if raw.get("report_version") is not None:
        if _line(raw["report_version"], MAX_VERSION_LENGTH):
            out["report_version"] = raw["report_version"].strip()
        else:
            bad("report_version", raw["report_version"])
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
                        f"starting with T0, got {quote(v)}")
    if "chapters" in raw:
        v = raw["chapters"]
        if isinstance(v, list) and v and all(isinstance(c, str) for c in v):
            # a plain name first: no path is ever built from "../x", "/abs" or "a/../b"
            odd = [c for c in v if not is_plain_name(c)]
            if odd:
                errs.append(f"{source}: key 'chapters': expected each chapter to be "
                            f"{_PLAIN_NAME} naming a notebook in notebooks/, got {_some(odd)}")
            missing = [f"{c}.ipynb" for c in v if is_plain_name(c) and check_notebooks
                       and not (Path(notebooks_dir) / f"{c}.ipynb").is_file()]
            if missing:
                errs.append(f"{source}: key 'chapters': no notebook {_some(missing)} in "
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
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**32:
            out["seed"] = v
        else:
            bad("seed", v)
    if "quality" in raw:
        v = raw["quality"]
        if not isinstance(v, dict):
            bad("quality", v)
        else:
            q = {}
            unknown_subkeys("quality", v, ("min_response_rate", "max_response_gap"))
            for k, val in v.items():
                if k not in ("min_response_rate", "max_response_gap"):
                    continue
                if (isinstance(val, (int, float)) and not isinstance(val, bool)
                        and 0 <= val <= 1):
                    q[k] = float(val)
                else:
                    errs.append(f"{source}: key 'quality.{k}': expected a proportion between "
                                f"0 and 1, got {quote(val)}")
            out["quality"] = Quality(**q)
    if "compare_with" in raw:
        v = raw["compare_with"]
        if v is None or (isinstance(v, str) and v.endswith(".json") and _plausible_path(v)):
            out["compare_with"] = v
        else:
            bad("compare_with", v)
    if "analysis_plan" in raw:
        v = raw["analysis_plan"]
        if not isinstance(v, dict):
            bad("analysis_plan", v)
        else:
            plan = {}
            unknown_subkeys("analysis_plan", v, ("primary", "horizon_months"))
            if "primary" in v:
                if v["primary"] == "employment":
                    plan["primary"] = v["primary"]
                else:
                    errs.append(f"{source}: key 'analysis_plan.primary': expected employment "
                                f"(the trial's primary outcome), got {quote(v['primary'])}")
            if "horizon_months" in v:
                h = v["horizon_months"]
                if isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 120:
                    plan["horizon_months"] = h
                else:
                    errs.append(f"{source}: key 'analysis_plan.horizon_months': expected a whole "
                                f"number of months from 1 to 120, got {quote(h)}")
            out["analysis_plan"] = AnalysisPlan(**plan)
    if "filter" in raw:
        v = raw["filter"]
        if v is None:
            out["filter"] = None
        elif (isinstance(v, dict) and len(v) == 1 and set(v) <= {"project", "office"}
              and all(is_plain_name(x) for x in v.values())):
            out["filter"] = dict(v)
        else:
            bad("filter", v)
    if errs:
        if len(errs) > MAX_PROBLEMS:
            errs[MAX_PROBLEMS:] = [f"{source}: ... and {len(errs) - MAX_PROBLEMS:,} more problems"]
        raise ParamsError("\n".join(errs))
    return Params(**out)


class _AliasRefused(yaml.MarkedYAMLError):
    """A params file uses a YAML anchor (``&a``) or alias (``*a``)."""


class _TooDeep(yaml.MarkedYAMLError):
    """A params file nests lists or mappings deeper than :data:`MAX_PARAMS_DEPTH`."""


class _ParamsLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without anchors and aliases and with a nesting limit.

    Refusing aliases makes the loaded data at most as large as the file (no "billion laughs":
    nine levels of ``*a`` expand a few hundred bytes into hundreds of megabytes).
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AliasRefused(problem="params files may not use YAML anchors or aliases (&/*)",
                                problem_mark=event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_PARAMS_DEPTH:
                raise _TooDeep(problem=f"lists or mappings nested more than {MAX_PARAMS_DEPTH} "
                                       "levels deep", problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # e.g. cutoff_date: 2016-13-45
            raise yaml.constructor.ConstructorError(
                problem=f"invalid value: {_first_line(str(exc), 120)}",
                problem_mark=node.start_mark) from None


def _first_line(text: str, limit: int = 200) -> str:
    return _cut((text.strip().splitlines() or [""])[0], limit)


def _yaml_message(name: str, exc: Exception) -> str:
    """A short message for a YAML error: file, line and column, and the problem."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    problem = ": ".join(p for p in parts if p) or str(exc)
    where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    prefix = "" if isinstance(exc, (_AliasRefused, _TooDeep)) else "not valid YAML: "
    return f"{name}{where}: {prefix}{_first_line(str(problem))}"


def read_params(path: Path, notebooks_dir: Path | None = None,
                check_notebooks: bool = True) -> Params:
    """Read and check a params YAML file (at most :data:`MAX_PARAMS_BYTES`, no anchors)."""
    path = Path(path)
    name = _cut(path.name, 60)
    try:
        if not path.is_file():
            raise ParamsError(f"params file not found: {quote(str(path), 200)}")
        with path.open("rb") as f:
            data = f.read(MAX_PARAMS_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ParamsError(f"params file {quote(str(path), 200)} cannot be read: "
                          f"{_first_line(reason, 100)}") from None
    if len(data) > MAX_PARAMS_BYTES:
        raise ParamsError(f"{name}: a params file may be at most {MAX_PARAMS_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{name}: not UTF-8 text (byte {exc.start + 1})") from None
    try:
        raw = yaml.load(text, Loader=_ParamsLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise ParamsError(_yaml_message(name, exc)) from None
    except RecursionError:  # a safety net; the depth limit comes first
        raise ParamsError(f"{name}: not valid YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value no constructor took
        raise ParamsError(f"{name}: not valid YAML: {_first_line(str(exc))}") from None
    return parse_params(raw, source=name, notebooks_dir=notebooks_dir,
                        check_notebooks=check_notebooks)


def load_params(params_file: str | Path | None = None, **overrides) -> Params:
    """The frozen :class:`Params` a chapter runs with: those of ``params_file`` (the build
    writes the resolved params of its stage as JSON, a subset of YAML; run on its own, a
    chapter uses the demo's ``params/final.yml``), with ``overrides`` (e.g. ``min_cell=1`` in
    a test), checked like a params file. Defaults live once: in :class:`Params`."""
    path = Path(params_file) if params_file else config.PARAMS_DIR / "final.yml"
    if not overrides:
        return read_params(path, check_notebooks=False)
    raw = {**read_params(path, check_notebooks=False).notebook_parameters(), **overrides}
    return parse_params(raw, source=f"{_cut(path.name, 60)} with {', '.join(overrides)}",
                        check_notebooks=False)


def write_params(params: Params, path: Path) -> Path:
    """Write ``params`` as JSON (read back by :func:`load_params`)."""
    import json

    Path(path).write_text(json.dumps(params.notebook_parameters(), ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(path)


def parse_filter(value) -> dict:
    """``{"project": "klar"}``, ``{"office": "moss"}`` or the text ``project=klar``; the code is a
    plain name (it becomes part of the folder name ``reports/<stage>-<code>/``)."""
    given = value
    if isinstance(value, str):
        key, _, val = value.partition("=")
        value = {key.strip(): val.strip()}
    if (not isinstance(value, dict) or len(value) != 1 or set(value) - {"project", "office"}
            or not all(is_plain_name(v) for v in value.values())):
        raise ParamsError(f"filter: expected project=<code> or office=<code>, the code "
                          f"{_PLAIN_NAME}, got {quote(given)}")
    return dict(value)
