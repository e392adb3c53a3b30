"""Text folding for matching: the same name typed in different ways folds to one key.

Full-width letters and digits become half-width (NFKC), tone marks go (Xīchéng →
xicheng), case goes, and everything but letters and digits (spaces, apostrophes,
punctuation of either width) is dropped. Chinese characters are kept as they are.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed.casefold() if unicodedata.category(c)[0] in "LN")
