"""What the 'employment' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    # survey: the counts it shares with the flow (due and answered) are decided together
    reads=("outcomes", "se_log", "survey"),
    owns=("employment", "time_to_work"),
    memory_mb=94,  # scheduling hint (chapters/spec.py)
)
