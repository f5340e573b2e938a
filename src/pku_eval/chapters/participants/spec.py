"""What the 'participants' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("survey", "outcomes"),
    owns=("flow",),
    memory_mb=81,  # scheduling hint (chapters/spec.py)
)
