"""A cell's text as the contract compares it: full-width folded, spaces trimmed or removed.

Both the import (reading every cell) and the county configuration (matching a township's name
or alias as a clerk wrote it) fold text this one way, so 赵家沟 乡 and 赵家沟乡 are the same name
in both; it lives in the contract so that the configuration need not reach up into the import.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")


def clean_text(raw: Any) -> str | None:
    """The cell as text: full-width folded (NFKC), spaces trimmed; None when empty."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        if raw.is_integer():
            raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    # Clerks pad with ideographic spaces and line breaks inside cells.
    text = _SPACES.sub(" ", text)
    return text or None


def compact(text: str) -> str:
    """Text with every space removed, for matching headers and keywords."""
    return _SPACES.sub("", text)
