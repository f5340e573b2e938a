"""What the 'kor' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("session_feedback",),
    owns=("kor",),
    memory_mb=73,  # scheduling hint (chapters/spec.py)
)
