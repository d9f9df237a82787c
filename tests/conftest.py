"""Shared fixtures: a throwaway store per test, and the real CLI run in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker import cli
from ui.sections import PARAM as TAB

REPO = Path(__file__).resolve().parent.parent
# Every page of the dashboard, found on disk so that a page added later is covered by "every page" tests.
ALL_PAGES = sorted(
    f"app_pages/{p.name}" for p in (REPO / "app_pages").glob("*.py") if p.name != "__init__.py"
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own store and settings out of the tests."""
    for name in ("TRACKER_DATA_DIR", "TRACKER_ID_KEY", "TRACKER_COUNTY", "TRACKER_PUSH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty store folder."""
    return tmp_path / "store"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


def _runner(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    """`python -m tracker ARGS`, run in-process against data_dir; its data_dir is an attribute."""

    def run(*args: object) -> Result:
        code = cli.main(["--data-dir", str(data_dir), *map(str, args)])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    run.data_dir = data_dir  # type: ignore[attr-defined]
    return run


@pytest.fixture
def tracker(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    """Run `python -m tracker ARGS` in-process against the test's store."""
    return _runner(data_dir, capsys)


def run_module(
    *args: object, cwd: Path = REPO, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m tracker ARGS` as a separate process, as a user runs it (env: extra variables)."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env} if env else None,
    )


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the shipped sample data (imported once per test session).

    With TESTS_SAMPLE_STORE set (tests/mutations.py does, for bugs outside the import), a copy
    of that already imported store is used instead of importing again."""
    import os
    import shutil

    from tracker.contract.paths import SAMPLE_DIR
    from tracker.ingest.importer import import_paths

    folder = tmp_path_factory.mktemp("sample") / "store"
    imported = os.environ.get("TESTS_SAMPLE_STORE")
    if imported:
        shutil.copytree(imported, folder)
        return folder
    outcome = import_paths([SAMPLE_DIR], folder)
    assert outcome.status == 0, (outcome.file_problems, outcome.errors[:5])
    return folder


@pytest.fixture
def sample_copy(sample_store: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store, for tests that import into it."""
    import shutil

    copy = tmp_path / "sample-copy"
    shutil.copytree(sample_store, copy)
    return copy


@pytest.fixture
def on_sample(sample_copy: Path, capsys: pytest.CaptureFixture[str]):
    """Run `python -m tracker ARGS` in-process on a private copy of the sample store."""
    return _runner(sample_copy, capsys)


@pytest.fixture
def open_page(sample_store: Path, monkeypatch: pytest.MonkeyPatch):
    """Open a dashboard page in AppTest on the sample store: open_page("app_pages/relocation.py", township=[...])."""
    from streamlit.testing.v1 import AppTest

    def run(page: str | None = None, store: Path | None = None, **query: object) -> AppTest:
        monkeypatch.setenv("TRACKER_DATA_DIR", str(store or sample_store))
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
        for key, value in query.items():
            at.query_params[key] = value
        if page is not None:
            # The page's own address, as a link opens it: its first run is that page's (so its bound
            # query parameters, ?tab= among them, seed its widgets). The pages' url_paths are their
            # file names, which is how AppTest finds a page before the first run.
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def open_tab(at, label: str):
    """Choose the page's tab `label`, as a click on it does, and run the page again."""
    labels = [t.label for t in at.tabs]
    assert label in labels, f"no tab {label!r} among {labels}"
    at.session_state[TAB] = label
    # As the browser does, the address names the open tab (the first, the default, is left out of it).
    if label == labels[0]:
        at.query_params.pop(TAB, None)
    else:
        at.query_params[TAB] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tab_labels(at) -> list[str]:
    """The page's tabs, in order (none in the report layout)."""
    return [t.label for t in at.tabs]


def page_text(at) -> str:
    """Everything a page shows as text: markdown, HTML cards, metrics, captions, alerts, tables."""
    parts = [m.value for m in at.markdown] + [h.proto.body for h in at.get("html")]
    parts += [str(m.value) for m in at.metric] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "success", "error") for e in getattr(at, kind)]
    parts += [t.value for t in at.title] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="session")
def served(sample_store: Path):
    """The real dashboard served on a free local port over the sample store; yields its base URL."""
    from tracker.weekly.serve import dashboard

    with dashboard(sample_store) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from tracker.weekly.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
