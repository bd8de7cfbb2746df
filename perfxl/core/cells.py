"""What every reader agrees about a cell's content: whether it is blank, and the form texts are compared in.

In perfxl.core because the core reads 年度指标值 and 实际完成值 with these rules; the readers, the
generator and the batch import them from here (the core imports nothing outside itself).
"""

from __future__ import annotations

import unicodedata


def is_blank(value: object, *, whitespace_is_blank: bool = True) -> bool:
    """Whether a cell holds nothing: None (an empty cell) or empty text.

    Readers count text of nothing but spaces as blank too: an officer sees an empty cell. Writers pass
    ``whitespace_is_blank=False``: a text of spaces they were given is written as it is.
    """
    if value is None or value == "":
        return True
    return whitespace_is_blank and isinstance(value, str) and not value.strip()


def folded(text: object, *, keep_whitespace: bool = False) -> str:
    """``text`` as texts are compared: NFKC (full-width letters, digits and punctuation as ASCII, the
    ideographic space as a space), and without whitespace or line breaks unless ``keep_whitespace``
    (for a text shown again, or compared word by word)."""
    normal = unicodedata.normalize("NFKC", str(text))
    return normal if keep_whitespace else "".join(normal.split())
