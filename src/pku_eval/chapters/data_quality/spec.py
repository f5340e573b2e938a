"""What the 'data_quality' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=None,
    owns=("response", "quality"),
    reads_receipts=True,  # what changed since the previous delivery
    memory_mb=72,  # scheduling hint (chapters/spec.py)
)
