"""What the 'actors' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("actor_survey",),
    owns=("actors",),
    memory_mb=97,  # scheduling hint (chapters/spec.py)
)
