"""Cached access to the store for the pages.

A query's result is cached per (query, parameters, store version). The store
version is the manifest file's modification stamp, read with one `stat` per
rerun, so a snapshot that lands invalidates every cached result at once and a
page never shows a mix of old and new.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tracker import paths, queries, store
from tracker.county import County, load_county


def data_dir() -> Path:
    """The store folder the dashboard serves (TRACKER_DATA_DIR, else ./data)."""
    return paths.data_dir().resolve()


def version() -> str:
    """A stamp that changes whenever a snapshot lands."""
    try:
        stat = os.stat(data_dir() / store.MANIFEST)
    except FileNotFoundError:
        return "empty"
    return f"{stat.st_mtime_ns}-{stat.st_size}"


@st.cache_resource(max_entries=2, show_spinner=False)
def _reader(folder: str, stamp: str) -> store.Reader:
    return store.Reader(Path(folder))


def reader() -> store.Reader:
    """The store reader for the current version."""
    return _reader(str(data_dir()), version())


@st.cache_resource(show_spinner=False)
def _county(folder: str, stamp: str) -> County:
    return load_county(Path(folder))


def county() -> County:
    """The county configuration in force."""
    return _county(str(data_dir()), version())


@st.cache_data(max_entries=2000, show_spinner=False)
def _run(name: str, stamp: str, folder: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    return queries.run(_reader(folder, stamp).cursor(), name, **bound)


def query(name: str, **params: Any) -> pd.DataFrame:
    """A named query's rows; only the parameters it declares count toward the cache key."""
    wanted = queries.get(name).params
    frozen = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k in wanted)
    )
    return _run(name, version(), str(data_dir()), frozen)
