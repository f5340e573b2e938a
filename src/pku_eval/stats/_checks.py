"""Input checks shared by the statistical functions.

Each check raises :class:`TypeError` (wrong kind of object) or :class:`ValueError` (right kind,
unusable content) with a message that names the argument and the column, so that a researcher can
see what to change without reading a traceback. These are input errors; when valid input simply
cannot give an estimate (too few rows, no events, no variation) the functions raise
:class:`~pku_eval.stats.errors.EstimationError` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def require_frame(data: object) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame, else raise TypeError."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data must be a pandas DataFrame in long format, got {type(data).__name__}"
        )
    return data


def as_name_list(names: str | Iterable[str] | None, argument: str) -> list[str]:
    """Turn one column name, a sequence of names or ``None`` into a list of names."""
    if names is None:
        return []
    if isinstance(names, str):
        return [names]
    try:
        listed = list(names)
    except TypeError:
        raise TypeError(
            f"{argument} must be a column name or a list of column names, got {names!r}"
        ) from None
    for name in listed:
        if not isinstance(name, str):
            raise TypeError(f"{argument} must hold column names (strings), got {name!r}")
    return listed


def require_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ValueError naming every column of ``columns`` that ``data`` lacks."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"column(s) {missing} not found in data; available columns: {list(data.columns)}"
        )


def require_alpha(alpha: float) -> float:
    """Check a significance level: a number strictly between 0 and 1."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise TypeError(f"alpha must be a number between 0 and 1, got {alpha!r}")
    if not 0 < alpha < 1:
        raise ValueError(
            f"alpha must lie strictly between 0 and 1 (0.05 gives 95% intervals), got {alpha}"
        )
    return float(alpha)


def require_numeric(data: pd.DataFrame, column: str) -> None:
    """Raise TypeError if ``column`` does not hold numbers."""
    kind = data[column].dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"column '{column}' must be numeric, but has dtype {data[column].dtype}"
        )


def require_levels(
    data: pd.DataFrame, column: str, levels: Sequence[object], argument: str
) -> None:
    """Check that each of ``levels`` occurs in ``data[column]`` and that they differ."""
    if len(set(levels)) != len(levels):
        raise ValueError(f"{argument} must name different levels of '{column}', got {levels}")
    present = set(data[column].dropna().unique())
    absent = [level for level in levels if level not in present]
    if absent:
        shown = sorted(map(str, present))
        raise ValueError(
            f"level(s) {absent} not found in column '{column}'; levels present: {shown}"
        )


def require_binary(data: pd.DataFrame, column: str) -> None:
    """Check that a column holds only 0/1 (or False/True), missing values aside."""
    values = data[column].dropna()
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"column '{column}' must be coded 0/1 (or False/True), but has dtype {values.dtype}"
        )
    bad = sorted(set(values.unique()) - {0, 1})
    if bad:
        raise ValueError(f"column '{column}' must be coded 0/1, but holds {bad[:5]}")


def check_no_overlap(named: dict[str, Sequence[str]]) -> None:
    """Raise ValueError when one column is given for two roles (e.g. outcome and covariate)."""
    seen: dict[str, str] = {}
    for role, columns in named.items():
        for column in columns:
            if column in seen:
                raise ValueError(
                    f"column '{column}' is given both as {seen[column]} and as {role}"
                )
            seen[column] = role
