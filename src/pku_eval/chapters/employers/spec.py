"""What the 'employers' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("employer_survey",),
    owns=(),
    memory_mb=68,  # scheduling hint (chapters/spec.py)
)
