"""Cached access to the store for the pages.

A query's result is cached per (query, parameters, store version). The store
version is the manifest file's modification stamp, read with one `stat` per
rerun, so a snapshot that lands invalidates every cached result at once and a
page never shows a mix of old and new.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from tracker.contract import paths
from tracker.contract.county import County, load_county
from tracker.store import manifest, queries
from tracker.store.manifest import StoreProblem
from tracker.store.reader import Reader
from ui.session import chosen_county, current_user

_LOG = logging.getLogger(__name__)


def data_dir() -> Path:
    """The store folder the dashboard serves (TRACKER_DATA_DIR, else ./data)."""
    return paths.data_dir().resolve()


def version() -> str:
    """A stamp that changes whenever a snapshot lands."""
    return manifest.stamp(data_dir())


Scope = tuple[tuple[str, tuple[str, ...]], ...]
T = TypeVar("T")


@st.cache_resource(max_entries=32, show_spinner=False)
def _reader(folder: str, stamp: str, scope: Scope = ()) -> Reader:
    return Reader(Path(folder), dict(scope))


def scope() -> Scope:
    """Which rows this session may see: the user's townships (a township user) and the chosen county."""
    limits = dict(current_user().scope)
    chosen = chosen_county()
    if chosen and chosen in {c.name for c in region().counties}:
        limits["county"] = (chosen,)
    return tuple(sorted(limits.items()))


def reader() -> Reader:
    """The store reader for the current version and this session's scope (stops the page if damaged)."""
    try:
        return _reader(str(data_dir()), version(), scope())
    except StoreProblem as problem:
        _damaged(str(problem))
        raise


def _damaged(message: str) -> None:
    st.error(f"数据存储有问题，无法显示：{message}")
    st.info(
        "请联系系统管理员检查并修复数据存储（方法见使用说明“数据存储损坏时”一节），再重新导入相应那期台账。"
    )
    st.stop()


@st.cache_resource(show_spinner=False)
def _region(folder: str, stamp: str) -> County:
    return load_county(Path(folder))


def region() -> County:
    """The configuration in force: one county, or a region of several."""
    return _region(str(data_dir()), version())


def county() -> County:
    """The county the pages are about: the one chosen, or the whole configuration."""
    whole = region()
    chosen = chosen_county()
    return next((c for c in whole.counties if c.name == chosen), whole)


# Results are kept as they are (cache_resource), not pickled (cache_data): a cache_data hit unpickles
# a copy of every frame on every rerun, which under many sessions is the server's own time. Each
# caller gets a shallow copy: with pandas' copy-on-write, whatever a page does to it (a column
# renamed or replaced) copies what it touches and leaves the cached frame as it was.
@st.cache_resource(max_entries=2000, show_spinner=False)
def _run(
    name: str, stamp: str, folder: str, scope: Scope, params: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    bound = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    return queries.run(_reader(folder, stamp, scope).cursor(), name, **bound)


# Each rule gets its own st.cache_data, made once per function object and kept while the function
# lives: the cache is keyed on the function itself (Streamlit's key for it is its module, name and
# source) and its arguments, and the rule is called directly, as any reader or tool can follow.
# Two closures of the same code share one cache (Streamlit's rule): pass what varies as arguments.
_DERIVED: weakref.WeakKeyDictionary[Callable[..., Any], Callable[..., Any]] = weakref.WeakKeyDictionary()


def derived(rule: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`rule(*args, **kwargs)` for a pure rule of tracker/ over query results, computed once per distinct input.

    The progress cards (tracker.rules.indicators.progress) walk every indicator's weekly series in
    Python: 15-40 ms of each rerun of 总览 and 整村搬迁 on this machine, for the same inputs
    every time until a snapshot lands.
    """
    cached = _DERIVED.get(rule)
    if cached is None:
        cached = _DERIVED[rule] = st.cache_data(max_entries=1000, show_spinner=False)(rule)
    return cached(*args, **kwargs)


def query(name: str, **params: Any) -> pd.DataFrame:
    """A named query's rows; only the parameters it declares count toward the cache key."""
    wanted = queries.get(name).params
    frozen = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k in wanted)
    )
    try:
        return _run(name, version(), str(data_dir()), scope(), frozen).copy(deep=False)
    except StoreProblem as problem:
        _damaged(str(problem))
        raise
    except duckdb.Error as error:
        if _names_a_store_file(error):
            _damaged(str(error).splitlines()[0][:400])
        else:
            _query_failed(name, error)
        raise


def _names_a_store_file(error: duckdb.Error) -> bool:
    """Whether a query failed on the store's files (damaged, missing, unreadable) rather than on itself.

    DuckDB names the file it could not read (`No magic bytes found at end of file '…/households/…'`);
    an error in the query (a column or table that is not there, a type that does not fit) names none.
    """
    return isinstance(error, duckdb.IOException) or str(data_dir()) in str(error)


def _query_failed(name: str, error: duckdb.Error) -> None:
    # A bug in a named query or the code that calls it: re-importing would not help, so none is advised.
    # The user sees which query; DuckDB's own (English) message goes to the server's log.
    _LOG.error("named query %s failed: %s", name, error)
    st.error(
        f"页面出错：查询“{name}”运行失败，这一部分无法显示。这是程序的问题，与台账数据无关；"
        f"请把本条信息（查询名称 {name}）报告给系统维护人员。"
    )
    st.stop()
