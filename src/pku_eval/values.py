"""The value objects a chapter's result is made of.

Every number a chapter publishes (a results.json value, a number in prose, a cell the
chapter computes for a table) is a :class:`Value`: its estimate (or count), the number of
people it rests on, and — when it is withheld or cannot be estimated — the reason. Values
are made by the suppression policy (:mod:`pku_eval.disclosure`) or by a chapter's
computation for a reason that is not disclosure (no data, no events, a model that did not
fit); they are frozen, so nothing changes a value after it was decided.

A chapter's result is a frozen dataclass with a ``values`` mapping (results.json path →
:class:`Value`); :meth:`pku_eval.chapter.Chapter.record` writes them all, nulls with their
reason, so no chapter writes a results.json value by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

#: Reasons a value is null that every chapter shares (chapters add their own, e.g. "no events").
SUPPRESSED = "suppressed"
NO_DATA = "no data"


@dataclass(frozen=True)
class Value:
    """One published number.

    estimate : the value (a count, a share, a mean, or an estimate object such as
        ``{"estimate", "ci_low", "ci_high", "p_value"}``); ``None`` when withheld.
    n : the number of people the value rests on (its base), when known.
    reason : why the value is ``None`` (required then), or why parts of an estimate object are
        (e.g. an infinite confidence limit); ``None`` otherwise.

    Examples
    --------
    >>> Value(12, n=12).shown
    True
    >>> Value(None, n=3, reason="suppressed").shown
    False
    >>> Value({"estimate": 2.0, "ci_high": None}, reason="undefined").shown  # a null part
    True
    """

    estimate: Any = None
    n: int | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.estimate is None and not self.reason:
            raise ValueError("a null value needs its reason")
        partly_null = isinstance(self.estimate, Mapping) and any(
            v is None or (isinstance(v, float) and math.isnan(v))
            for v in self.estimate.values())
        if self.estimate is not None and self.reason and not partly_null:
            raise ValueError(f"a value with an estimate has no null reason (got {self.reason!r})")

    @property
    def shown(self) -> bool:
        """Whether the value is published (not withheld, not missing)."""
        return self.estimate is not None

    @classmethod
    def null(cls, reason: str, n: int | None = None) -> Value:
        return cls(None, n=n, reason=reason)


def frozen_values(values: Mapping[str, Value | tuple]) -> Mapping[str, Value]:
    """A read-only mapping of results.json paths to :class:`Value` (pairs ``(value, reason)``
    are accepted and turned into values)."""
    out = {}
    for path, v in values.items():
        if not isinstance(v, Value):
            value, reason = v
            v = Value(value, reason=None if value is not None else reason)
        out[path] = v
    return MappingProxyType(out)


__all__ = ["Value", "frozen_values", "SUPPRESSED", "NO_DATA"]
