"""Imported in the background while the chapters run (``build._preload``): the libraries the
deliveries need (openpyxl for tables.xlsx, WeasyPrint and Pango for report.pdf; together a few
seconds to import). A missing one is not an error here: ``deliver`` says what to do."""

try:
    import openpyxl  # noqa: F401
except ImportError:  # pragma: no cover
    pass
try:
    import weasyprint  # noqa: F401
except (ImportError, OSError):  # pragma: no cover  (no WeasyPrint, or no Pango)
    pass
