"""Read a plotly chart the way the browser receives it from an AppTest run: its data, layout and texts."""

from __future__ import annotations

import base64
import json

import numpy as np


def _decoded(value: object) -> object:
    """Plotly's JSON with its typed arrays ({"dtype", "bdata"}) read back as lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def figure(at, title_part: str) -> dict:
    """The chart whose title contains title_part: {"data": [...], "layout": {...}}."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if title_part in spec["layout"].get("title", {}).get("text", ""):
            return _decoded(spec)  # type: ignore[return-value]
    raise AssertionError(f"no chart titled …{title_part}…")


def chart_annotations(spec: dict) -> list[str]:
    """The texts written on a chart (target labels among them)."""
    return [a.get("text", "") for a in spec["layout"].get("annotations", [])]
