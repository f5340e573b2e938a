"""What the 'survey_waves' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=("survey", "se_log"),
    owns=("scales",),
    memory_mb=110,  # scheduling hint (chapters/spec.py)
)
