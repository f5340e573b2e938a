"""The texts of the chapters, in Norwegian (nb) and English (en), one module per chapter.

Each module defines ``TEXTS`` (key → {"nb": …, "en": …}); the chapter registers them with
:func:`pku_eval.text.register`, and tests/test_text.py checks both languages."""
