"""The typed error of the statistical functions: an estimate that the data cannot give.

Two kinds of failure are kept apart:

- **Wrong input** (a missing column, text where numbers are needed, an unknown option): a
  programming or data-contract error. The functions raise :class:`TypeError` or
  :class:`ValueError`, and a chapter should let it through, so that the build stops and shows it.
- **No estimate from these data** (too few people, no events, no variation, a model that cannot
  be fitted): the function raises :class:`EstimationError`, which carries a machine-readable
  ``reason`` code and a message for a researcher. A chapter catches only this error and turns
  the reason into a null with an explanation; it never matches on the message text.

:class:`EstimationError` subclasses :class:`ValueError`, so code that caught ``ValueError``
keeps working; but catching ``ValueError`` also swallows bugs, so catch ``EstimationError``.
"""

from __future__ import annotations

__all__ = ["REASONS", "EstimationError"]

#: The reason codes of :class:`EstimationError` and what each means.
REASONS = {
    "no_data": "no complete rows (or none in a group that is needed)",
    "too_few": "fewer observations, subjects, pairs or groups than the method needs",
    "no_events": "no events in a time-to-event analysis",
    "no_variance": "the values (an outcome, a sum score, an item) do not vary, so the quantity "
                   "is undefined",
    "singular": "a singular or rank-deficient matrix (collinear terms, too few rows)",
    "separation": "perfect separation in a logistic model",
    "not_converged": "an iterative fit did not converge",
    "not_estimable": "the estimate cannot be computed from these data for another reason",
}


class EstimationError(ValueError):
    """The data do not allow the estimate; ``reason`` says why (one of :data:`REASONS`).

    Parameters
    ----------
    reason : str
        Machine-readable code, a key of :data:`REASONS` (e.g. ``"too_few"``).
    message : str
        What happened, for a researcher (names the column or group).

    Examples
    --------
    >>> try:
    ...     raise EstimationError("no_events", "no events in column 'job'")
    ... except EstimationError as exc:
    ...     print(exc.reason, "|", exc)
    no_events | no events in column 'job'
    """

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown estimation reason {reason!r}; use one of {list(REASONS)}")
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # keep reason and message through pickling (worker processes)
        return (type(self), (self.reason, self.message))
