"""What the 'summary' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=(),
    owns=(),
    reads_results=True,
    memory_mb=47,  # scheduling hint (chapters/spec.py)
)
