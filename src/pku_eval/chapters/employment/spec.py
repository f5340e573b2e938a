"""What the 'employment' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("outcomes",),
    owns=("employment", "time_to_work"),
)
