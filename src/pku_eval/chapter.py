"""What a chapter notebook calls: open the stage data, write numbered headings, tables and
figures through the publishing path, and record results.json values.

A notebook's first code cell (tagged ``parameters``) holds only what locates the stage
(``params_file``, ``stage_file``, …: ``None`` runs on the demo data); the build injects its
values. Then::

    ch = chapter.start("<name>", **chapter.params_from(globals()))

and ``ch.params`` is the frozen, checked :class:`~pku_eval.params.Params` of the stage.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from . import codebook, config, plots, publish
from .disclosure import Policy
from .params import Params, load_params
from .results import record
from .text import t


class Chapter:
    """State of one chapter while its notebook runs: numbering, language, the suppression
    policy (``ch.policy``: the one place that decides what is withheld)."""

    def __init__(self, name: str, number: int, stage_data, params: Params,
                 results_file: Path | None):
        self.name = name
        self.number = number
        self.data = stage_data
        # the questions are labelled with the wording the delivery brought, where it brought
        # one (its wording file, carried by the stage), else with the codebook's own
        codebook.use_wording(getattr(stage_data, "wording", None))
        self.params = params
        self.language = params.language
        self.policy = Policy(params.min_cell)
        self.waves = list(params.waves)
        self.results_file = Path(results_file) if results_file else None
        self.fragments_dir: Path | None = None
        self._section = 0
        self._figure = 0
        self._table = 0

    # ---- text
    def t(self, key: str, **kwargs) -> str:
        return t(key, self.language, **kwargs)

    def _show(self, markup: str) -> None:
        from IPython.display import HTML, display

        display(HTML(markup))

    def heading(self, key: str, raw: bool = False) -> None:
        """The chapter heading, numbered: '<n> <title>' (``raw=True``: ``key`` is the title)."""
        title = html.escape(key if raw else self.t(key))
        self._show(f'<h2 class="pku-chapter" id="kap-{self.number}">'
                   f'<span class="pku-num">{self.number}</span> {title}</h2>')

    def section(self, key: str, raw: bool = False, **kwargs) -> None:
        """A numbered section heading '<n>.<k> <title>' (``raw=True``: ``key`` is the title)."""
        self._section += 1
        n = f"{self.number}.{self._section}"
        title = key if raw else self.t(key, **kwargs)
        self._show(f'<h3 class="pku-section" id="kap-{self.number}-{self._section}">'
                   f'<span class="pku-num">{n}</span> {html.escape(title)}</h3>')

    def text(self, key_or_text: str, raw: bool = False, **kwargs) -> None:
        """A paragraph: a key of :data:`pku_eval.text.STRINGS` formatted with ``kwargs``."""
        body = key_or_text if raw else self.t(key_or_text, **kwargs)
        self._show(f'<p class="pku-text">{html.escape(body)}</p>')

    def warning(self, title_key: str, messages: list[str]) -> None:
        """A prominent warning box (e.g. attrition flags at the top of a chapter)."""
        items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
        self._show(f'<div class="pku-warning" role="note"><strong>'
                   f'{html.escape(self.t(title_key))}</strong><ul>{items}</ul></div>')

    def notice(self, message: str) -> None:
        self._show(f'<div class="pku-notice">{html.escape(message)}</div>')

    # ---- tables and figures
    @property
    def next_figure(self) -> str:
        """The label of the next figure ('Figur 3.2'), for text that refers to it: numbers
        are generated, so they stay right when chapters are added or removed."""
        return f"{self.t('figure')} {self.number}.{self._figure + 1}"

    @property
    def next_table(self) -> str:
        """The label of the next table ('Tabell 3.2')."""
        return f"{self.t('table')} {self.number}.{self._table + 1}"

    def table(self, df: pd.DataFrame, columns: list[publish.Column], caption: str,
              source: str, note: str | None = None, secondary: list[str] | None = None) -> None:
        """A numbered table through the publishing path (disclosure control included);
        ``secondary``: count columns forming a cross-table (see Policy.table_mask)."""
        self._table += 1
        markup, _ = publish.table_html(df, columns, policy=self.policy,
                                       language=self.language,
                                       number=f"{self.number}.{self._table}", caption=caption,
                                       source=source, note=note, secondary=secondary)
        self._show(markup)

    def figure(self, fig, caption: str, source: str, note: str | None = None) -> None:
        self._figure += 1
        self._show(publish.figure_html(fig, language=self.language,
                                       number=f"{self.number}.{self._figure}", caption=caption,
                                       source=source, note=note,
                                       alt=getattr(fig, "pku_alt", None),
                                       fingerprints=self.fingerprints()))

    def fingerprints(self):
        """Hashes of every id in the data (written with the processed stage in a build,
        computed from the tables when the chapter runs on its own)."""
        if getattr(self, "_fingerprints", None) is None:
            from .privacy import id_fingerprints
            from .store import FINGERPRINTS, read_fingerprints

            folder = getattr(self, "stage_folder", None)
            if folder is not None and (Path(folder) / FINGERPRINTS).exists():
                self._fingerprints = read_fingerprints(folder)
            else:
                st = self.data
                self._fingerprints = id_fingerprints(
                    {"participants": st.participants, **{n: st.tables[n] for n in st.tables}})
        return self._fingerprints

    # ---- results.json
    def result(self, path: str, value, reason: str | None = None) -> None:
        record(self.results_file, path, value, reason)

    def record(self, result) -> None:
        """Record every results.json value of a chapter's result (its ``values``: path →
        :class:`~pku_eval.values.Value`), nulls with their reason."""
        for path, v in result.values.items():
            record(self.results_file, path, v.estimate, v.reason)

    def build_results(self) -> dict:
        """The results.json values the other chapters of this build recorded so far (for the
        summary chapter, which runs after them). Empty when the chapter runs on its own."""
        from .results import merge, skeleton

        res = skeleton(self.params.stage, self.waves, list(self.params.chapters))
        if self.fragments_dir and self.fragments_dir.is_dir():
            for frag in sorted(self.fragments_dir.glob("*.json")):
                if frag.stem != self.name:
                    merge(res, json.loads(frag.read_text(encoding="utf-8")))
        return res


def load_stage(data_dir: str | Path | None, cutoff_date, filter: dict | None = None):
    """Load, validate and prepare the data of a stage (used when a chapter runs on its own)."""
    from .tidy import load, prepare

    data_dir = Path(data_dir) if data_dir else config.DEMO_DATA_DIR
    if not data_dir.is_absolute():
        data_dir = (config.PROJECT_ROOT / data_dir).resolve()
    if data_dir == config.DEMO_DATA_DIR.resolve() and not (data_dir / "offices.csv").exists():
        from .demo import write_demo

        write_demo(data_dir)
    return prepare(load(data_dir), cutoff_date, filter)


def start(name: str, *, params_file: str | None = None, stage_file: str | None = None,
          data_dir: str | None = None, results_file: str | None = None,
          fragments_dir: str | None = None, chapter_number: int = 1, **overrides) -> Chapter:
    """Open a chapter. ``params_file``: the stage's params (the build writes them; run alone,
    ``params/final.yml``), ``overrides`` of its keys checked like the file (e.g.
    ``language="en"`` in JupyterLab). In a build, ``stage_file`` points at the prepared data
    (loaded once per build); run alone, the chapter loads ``data_dir`` itself (demo by
    default)."""
    plots.set_theme()
    params = load_params(params_file, **overrides)
    if stage_file:
        from .store import open_stage

        stage = open_stage(Path(stage_file))
    else:
        stage = load_stage(data_dir, params.cutoff_date, params.filter)
    from .chapters.spec import spec_of

    declared = spec_of(name).reads
    stage.reads = frozenset(declared) if declared is not None else None
    ch = Chapter(name, int(chapter_number), stage, params, results_file)
    ch.fragments_dir = Path(fragments_dir) if fragments_dir else None
    ch.stage_folder = Path(stage_file) if stage_file else None
    if stage_file:
        give_back_after_cells()
    return ch


def give_back_after_cells() -> None:
    """In a build's kernel: after each cell, collect the garbage and give the freed memory
    back to the system (:func:`pku_eval.execute.give_back`; glibc keeps the holes a cell's
    freed arrays and figures leave in its heap otherwise, and the next cells grow from there:
    #19, about 20 MB less at the peak of a two-job build, a few milliseconds per cell). Values
    do not change. Registered once per kernel; not in JupyterLab (no build)."""
    from IPython import get_ipython

    from .execute import give_back

    ip = get_ipython()
    if ip is not None and give_back not in ip.events.callbacks["post_run_cell"]:
        ip.events.register("post_run_cell", give_back)


def read_results(path: str | Path) -> dict | None:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


#: The names a chapter's parameters cell declares: what locates the stage (the build injects
#: them; the params themselves are read from ``params_file``).
PARAM_NAMES = ("params_file", "data_dir", "stage_file", "results_file", "fragments_dir",
               "chapter_number")


def params_from(namespace: dict) -> dict:
    """The chapter parameters found in a notebook's namespace (``globals()``)."""
    return {k: namespace[k] for k in PARAM_NAMES if k in namespace}
