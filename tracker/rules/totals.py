"""The county row under a township table: counts summed, rates worked out again from the sums.

Every township table ends with the county's (or the selection's) row, so a leader reads each
township against the whole. A rate is never summed nor averaged over townships: 破零率 is the
villages past zero over all villages, 入住比例 the households moved over all households, a
mean per village the weighted mean.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def with_total(
    frame: pd.DataFrame,
    place: str,
    name: str,
    ratios: Mapping[str, tuple[str, str, float]] | None = None,
    means: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """`frame` and one more row, `name` in column `place`: every numeric column summed, except

    - ratios: column -> (numerator column, denominator column, scale), e.g. 100 for a percentage;
    - means: column -> the column weighting it (a mean per village past zero, weighted by those villages).

    Other columns are left empty on the total row. A table of one township gets none: it would
    only repeat that township's row."""
    if len(frame) < 2:
        return frame
    ratios, means = ratios or {}, means or {}
    total: dict[str, object] = {}
    for column in frame.columns:
        values = frame[column]
        if column == place:
            total[column] = name
        elif column in ratios:
            top, bottom, scale = ratios[column]
            below = float(frame[bottom].sum())
            total[column] = scale * float(frame[top].sum()) / below if below else None
        elif column in means:
            weights = frame[means[column]].astype(float)
            present = values.notna() & (weights > 0)
            weight = float(weights[present].sum())
            total[column] = (
                float((values[present].astype(float) * weights[present]).sum()) / weight if weight else None
            )
        elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            total[column] = values.sum()
        else:
            total[column] = None
    row = pd.DataFrame([total], columns=frame.columns)
    return pd.concat([frame, row.astype(frame.dtypes.to_dict(), errors="ignore")], ignore_index=True)
