"""What the 'codebook' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=(),
    owns=(),
    memory_mb=35,  # scheduling hint (chapters/spec.py)
)
