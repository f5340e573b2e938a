"""Chapter 'employers': its computations and pages are in ``content``, its declared spec in
``spec``. Attributes of ``content`` are reached from here on first use, so that reading the spec
(the build does) imports nothing heavy."""

import importlib

from .spec import SPEC  # noqa: F401


def __getattr__(attr: str):
    if attr.startswith("__"):
        raise AttributeError(attr)
    content = importlib.import_module(f"{__name__}.content")
    return content if attr == "content" else getattr(content, attr)
