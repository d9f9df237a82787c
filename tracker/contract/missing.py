"""What counts as no value: one test for None, NaN, pandas' NA and NaT, wherever a value may be absent.

Query results reach Python as pandas values, where an absent number is NaN, an absent
date NaT and an absent nullable integer pd.NA; a page shows each as "—" and a rule
treats each as absent, so they all ask here.
"""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value: object) -> bool:
    """Whether value is absent (None, NaN, pd.NA, NaT); a list or other container never is."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like: pd.isna answers per element
        return False
