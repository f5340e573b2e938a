"""Chapter 'actors': the evaluator's actor survey of the four-party collaboration.
Its computations and pages are in ``content``, its declared spec in ``spec``. Attributes of
``content`` are reached from here on first use, so that reading the spec (the build does)
imports nothing heavy."""

from ..spec import lazy_content
from .spec import SPEC  # noqa: F401

__getattr__ = lazy_content(__name__)
