"""The county configuration: its name, code and townships, with the aliases clerks write.

Another county uses the dashboard by editing this one file (and its own exports).
The store keeps a copy of the configuration it was imported with, so a running
dashboard and the importer agree on the townships; without one, the shipped Hequ
configuration applies.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.paths import REPO_ROOT
from tracker.values import clean_text, compact

DEFAULT_CONFIG = REPO_ROOT / "sample_data" / "county.toml"
STORED_NAME = "county.toml"


class ConfigProblem(Exception):
    """A county configuration that cannot be used; the message is in Chinese."""


@dataclass(frozen=True)
class Township:
    """One town or township (乡镇)."""

    name: str
    code: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class County:
    """A county and its townships, in their official order."""

    name: str
    code: str
    city: str
    province: str
    townships: tuple[Township, ...]
    villages_expected: int | None = None
    _lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for town in self.townships:
            for spelling in (town.name, town.code, *town.aliases):
                self._lookup[compact(spelling)] = town.name

    @property
    def township_names(self) -> list[str]:
        """Township names in official order."""
        return [t.name for t in self.townships]

    def township(self, raw: Any) -> str | None:
        """The official name for what a clerk wrote, or None when it is no township of ours."""
        text = clean_text(raw)
        if text is None:
            return None
        return self._lookup.get(compact(text))


def parse_config(text: str, source: str = "county.toml") -> County:
    """A County from the text of a configuration file."""
    try:
        raw = tomllib.loads(text)
        towns = tuple(
            Township(str(t["name"]), str(t["code"]), tuple(str(a) for a in t.get("aliases", ())))
            for t in raw["townships"]
        )
        county = County(
            name=str(raw["name"]),
            code=str(raw["code"]),
            city=str(raw.get("city", "")),
            province=str(raw.get("province", "")),
            townships=towns,
            villages_expected=raw.get("villages_expected"),
        )
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem(f"{source}：县配置文件格式错误（{exc}）") from None
    except (KeyError, TypeError) as exc:
        raise ConfigProblem(f"{source}：县配置文件缺少必填项 {exc}") from None
    if not towns:
        raise ConfigProblem(f"{source}：县配置文件没有列出任何乡镇")
    return county


def load_county(data_dir: Path | None = None) -> County:
    """The configuration stored with the data, else the shipped default."""
    if data_dir is not None and (data_dir / STORED_NAME).exists():
        path = data_dir / STORED_NAME
    else:
        path = DEFAULT_CONFIG
    return parse_config(path.read_text(encoding="utf-8"), path.name)


def looks_like_config(text: str) -> bool:
    """Whether a .toml file is a county configuration."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return "townships" in raw
