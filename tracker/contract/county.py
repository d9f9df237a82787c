"""The county configuration: its name, code and townships, with the aliases clerks write.

Another county uses the dashboard by editing this one file (and its own exports).
The store keeps a copy of the configuration it was imported with, so a running
dashboard and the importer agree on the townships; without one, the shipped Hequ
configuration applies.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.contract.cell_text import clean_text, compact
from tracker.contract.paths import REPO_ROOT

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
    # [limits]: bounds of the import's growth guard, e.g. villages_per_township = 1000.
    limits: dict[str, int] = field(default_factory=dict, compare=False)
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

    @property
    def counties(self) -> tuple[County, ...]:
        """The counties the deployment covers: just this one."""
        return (self,)

    def townships_in(self, text: str) -> list[tuple[str, str]]:
        """Every (county, township) a longer text names (a title, a sheet or file name).

        Longer spellings are taken first, so 巡镇镇 is one mention, not also 巡镇. In a
        region a township name several counties share counts only for the counties the
        text also names.
        """
        folded = compact(clean_text(text) or "")
        found: list[tuple[str, str]] = []
        for county in self.counties:
            spellings = sorted(
                {(s, t.name) for t in county.townships for s in (t.name, *t.aliases) if len(s) >= 2},
                key=lambda pair: -len(pair[0]),
            )
            rest = folded
            for spelling, name in spellings:
                if spelling in rest:
                    rest = rest.replace(spelling, "\0")
                    found.append((county.name, name))
        if len(self.counties) > 1:
            named = {c.name for c in self.counties if c.name in folded}
            if named:
                found = [f for f in found if f[0] in named]
        return list(dict.fromkeys(found))

    def county(self, raw: Any) -> County | None:
        """The county a clerk's 县 cell names (its name or code), or None."""
        text = clean_text(raw)
        return self if text is not None and compact(text) in (self.name, self.code) else None


@dataclass(frozen=True)
class Region(County):
    """Several counties served by one deployment (a city or a province).

    Township names repeat across counties (every county has its 城关镇), so a
    township is only ever looked up within its county; the region-wide lists are
    for display.
    """

    members: tuple[County, ...] = ()

    @property
    def counties(self) -> tuple[County, ...]:
        """The counties, in configuration order."""
        return self.members

    def county(self, raw: Any) -> County | None:
        """The county a 县 cell names (its name, short name without 县/市/区, or code), or None."""
        text = clean_text(raw)
        if text is None:
            return None
        key = compact(text)
        for member in self.members:
            if key in (member.name, member.code):
                return member
        return None


def _county(raw: dict[str, Any], parent: dict[str, Any]) -> County:
    towns = tuple(
        Township(str(t["name"]), str(t["code"]), tuple(str(a) for a in t.get("aliases", ())))
        for t in raw["townships"]
    )
    if not towns:
        raise KeyError("townships")
    return County(
        name=str(raw["name"]),
        code=str(raw["code"]),
        city=str(raw.get("city", parent.get("city", ""))),
        province=str(raw.get("province", parent.get("province", ""))),
        townships=towns,
        villages_expected=raw.get("villages_expected"),
        limits=_limits(raw, parent),
    )


LIMIT_KEYS = ("villages_per_township", "households_per_township", "party_orgs_per_township")


def _limits(raw: dict[str, Any], parent: dict[str, Any]) -> dict[str, int]:
    """[limits] of the county (a region's apply to every county that sets none of its own)."""
    limits = {**parent.get("limits", {}), **raw.get("limits", {})}
    for key, value in limits.items():
        if key not in LIMIT_KEYS:
            raise ConfigProblem(f"县配置文件 [limits] 中的“{key}”无法识别（可用：{'、'.join(LIMIT_KEYS)}）")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigProblem(f"县配置文件 [limits] {key} 应为正整数")
    return limits


def parse_config(text: str, source: str = "county.toml") -> County:
    """The county (or, with a `[[counties]]` list, the region of counties) a configuration file names."""
    try:
        raw = tomllib.loads(text)
        if "counties" not in raw:
            return _county(raw, raw)
        members = tuple(_county(c, raw) for c in raw["counties"])
        if not members:
            raise KeyError("counties")
        # Region-wide lists are for display; lookups go through a member county.
        names = tuple(dict.fromkeys(t.name for c in members for t in c.townships))
        return Region(
            name=str(raw["name"]),
            code=str(raw.get("code", "")),
            city=str(raw.get("city", "")),
            province=str(raw.get("province", "")),
            townships=tuple(Township(n, "") for n in names),
            villages_expected=sum(c.villages_expected or 0 for c in members) or None,
            limits=_limits(raw, {}),
            members=members,
        )
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem(f"{source}：县配置文件格式错误（{exc}）") from None
    except (KeyError, TypeError) as exc:
        raise ConfigProblem(f"{source}：县配置文件缺少必填项或为空 {exc}") from None


def load_county(data_dir: Path | None = None) -> County:
    """The configuration the store's manifest names (imported with the data), else the shipped default."""
    path = DEFAULT_CONFIG
    if data_dir is not None:
        stored = _stored_config(Path(data_dir))
        if stored is not None:
            path = stored
    return parse_config(path.read_text(encoding="utf-8"), path.name)


def _stored_config(data_dir: Path) -> Path | None:
    # The manifest points at the configuration that landed with it, so a config and
    # the snapshots checked against it always change together.
    try:
        manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("county_config"):
        return data_dir / manifest["county_config"]
    legacy = data_dir / STORED_NAME
    return legacy if legacy.exists() else None
