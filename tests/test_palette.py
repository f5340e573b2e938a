"""One palette for every figure: the chapters take their colours from pku_eval.plots."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from pku_eval import plots

CHAPTERS = Path(plots.__file__).resolve().parent / "chapters"


def test_no_chapter_brings_its_own_colour_map_or_likert_colours():
    found = []
    for path in CHAPTERS.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"plt\.cm\.|cmap=|colormaps|LIKERT_COLOURS\s*=|\.barh\(.*LIKERT", source):
            found.append(path.relative_to(CHAPTERS).as_posix())
    assert found == []


def test_ordered_categories_run_light_to_dark():
    colours = plots.ordered_colours(5)
    assert len(set(colours)) == 5

    def lightness(c: str) -> float:
        r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert [lightness(c) for c in colours] == sorted((lightness(c) for c in colours),
                                                     reverse=True)


def test_the_palette_helpers_do_what_their_examples_say():
    assert doctest.testmod(plots).failed == 0
