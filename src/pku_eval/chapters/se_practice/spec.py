"""What the 'se_practice' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("se_log", "outcomes"),
    owns=("se_log",),
    memory_mb=92,  # scheduling hint (chapters/spec.py)
)
