"""Run one import many times, each time failing it at a different step of writing the store.

    python -m tests.commit_faults PRISTINE_STORE FILE OUT_DIR

A *step* is any change the import makes under the store folder through Python: opening
a file for writing, a rename (`os.replace`), a removal, a new folder. A Python audit
hook sees each one before it happens, whatever function the code calls to do it, so
the steps are found by running the import, not by knowing how it writes.

For each step N, the pristine store is copied to OUT_DIR/<fault>-<N> and the import
runs on the copy in a forked child whose hook, at step N:

- `kill`: ends the process at once (as SIGKILL or a power cut would), before the step;
- `fail`: makes the step raise OSError (a disk error) instead of happening;
- `short`: for a file opened for writing, lets the write stop after 64 bytes (a full
  disk mid-write), so a file written in place is left half written.

It prints one JSON object: the steps of an undisturbed run and the scenarios written.
tests/test_store.py then reads every copy as the dashboard would. The children are
forked before this process opens any DuckDB connection, so no worker thread is copied.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from tracker.ingest.importer import import_paths

_MOVES = {"os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.truncate", "os.link", "os.symlink"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _step(event: str, args: tuple[Any, ...], root: str) -> str | None:
    """A description of the store change this audit event is about to make, or None."""
    if event == "open":
        path, mode, flags = args
        writing = (
            any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        )
        if writing and isinstance(path, str | os.PathLike) and _inside(os.fspath(path), root):
            return f"open {os.path.relpath(os.fspath(path), root)}"
        return None
    if event in _MOVES and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if _inside(path, root):
            return f"{event} {os.path.relpath(path, root)}"
    return None


def _inside(path: str, root: str) -> bool:
    absolute = os.path.abspath(path)
    return absolute == root or absolute.startswith(root + os.sep)


def _run(store: Path, source: Path, fault: str | None, at: int) -> list[str]:
    """Import source into store; with a fault, inject it at step `at` (1-based). The steps seen."""
    root = str(store.resolve())
    seen: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        step = _step(event, args, root)
        if step is None:
            return
        seen.append(step)
        if len(seen) != at or fault is None:
            return
        if fault == "kill":
            os._exit(137)
        if fault == "fail":
            raise OSError(errno.EIO, "injected fault", step)
        if fault == "short" and step.startswith("open "):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    sys.addaudithook(hook)
    import_paths([source], store)
    return seen


def main(argv: list[str]) -> int:
    """Write one store per (fault, step) under OUT_DIR; print the steps and scenarios as JSON."""
    pristine, source, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)

    def forked(fault: str | None, at: int, name: str) -> list[str]:
        target = out / name
        shutil.copytree(pristine, target)
        steps_file = out / f"{name}.steps.json"
        pid = os.fork()
        if pid == 0:  # the child: import with the fault, write the steps it saw, exit
            code = 0
            try:
                steps = _run(target, source, fault, at)
                if fault is None:
                    steps_file.write_text(json.dumps(steps))
            except BaseException:
                code = 1
            os._exit(code)
        os.waitpid(pid, 0)
        return json.loads(steps_file.read_text()) if fault is None else []

    steps = forked(None, 0, "undisturbed")
    scenarios = []
    for at, step in enumerate(steps, 1):
        faults = ["kill", "fail"] + (["short"] if step.startswith("open ") else [])
        for fault in faults:
            name = f"{fault}-{at:02d}"
            forked(fault, at, name)
            scenarios.append({"name": name, "fault": fault, "step": step})
    print(json.dumps({"steps": steps, "scenarios": scenarios}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
