"""The push log (push_log.jsonl in the store): per week, channel and part, what was delivered or
failed, and when. A part delivered for a week is not sent again (unless `--again`); a failed one is
sent by the next run. Secrets never reach it: errors are masked before they are written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

LOG_FILE = "push_log.jsonl"
DELIVERED, FAILED = "delivered", "failed"


class PushLog:
    """The log of one store."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOG_FILE

    def entries(self) -> list[dict[str, Any]]:
        """Every record, oldest first."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def state(self, week: str) -> dict[tuple[str, str], str]:
        """(channel, part) → the latest status for the week."""
        latest: dict[tuple[str, str], str] = {}
        for entry in self.entries():
            if entry["week"] == week:
                latest[(entry["channel"], entry["part"])] = entry["status"]
        return latest

    def record(self, week: str, channel: str, part: str, status: str, error: str = "") -> None:
        """Append one record (the error already masked)."""
        entry = {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "week": week,
            "channel": channel,
            "part": part,
            "status": status,
        }
        if error:
            entry["error"] = error
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
