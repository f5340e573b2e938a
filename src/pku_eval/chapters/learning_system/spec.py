"""What the 'learning_system' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("learning_survey",),
    owns=("learning",),
    memory_mb=96,  # scheduling hint (chapters/spec.py)
)
