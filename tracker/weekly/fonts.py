"""The fonts the weekly document is printed with: Noto CJK SC, each made once without the code points
that share a glyph with a CJK ideograph.

Noto CJK draws 人 (U+4EBA) and the Kangxi radical ⼈ (U+2F08) with one glyph. Chromium's PDF writer
names each glyph by one code point in the PDF's ToUnicode map, and it takes the lowest: so a PDF
printed with the system's Noto CJK says ⼈, ⼊, ⼾ (radicals) where the page said 人, 入, 户, and a
search for 第一批 or 数据截至 finds nothing. A copy of the font whose character map no longer lists
those radicals (nor the other non-ideographs that share an ideograph's glyph: CJK radicals supplement,
compatibility ideographs) leaves Chromium one code point per glyph, the ideograph.

The copies are made once per machine with fontTools (half a second each: only the character map and
the names are rewritten, every other table is copied as it is) and kept in the user's cache folder,
keyed by the source file, so a changed system font makes new copies. Each copy has a family name of
its own (DocSerif, DocSans), and a fontconfig file there adds the folder to the system's fonts:
Chromium, started with FONTCONFIG_FILE naming it, finds the copies as installed fonts by name. (As
web fonts, @font-face from a file URL, every document would first have Chromium's font sanitiser
read 60 MB of fonts: a second and more per document.)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

NOTO_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
# The faces of a 公文 weekly report: 宋体-like serif for the title and body, 黑体-like sans for headings:
# (source collection, family, style) per face.
FACES = {
    "serif": ("NotoSerifCJK-Regular.ttc", "DocSerif", "Regular"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "DocSerif", "Bold"),
    "sans-bold": ("NotoSansCJK-Bold.ttc", "DocSans", "Bold"),
}
SERIF, SANS = "DocSerif", "DocSans"
_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{folder}</dir>
  <cachedir>{folder}/fontconfig-cache</cachedir>
</fontconfig>
"""
# The family inside each collection that is Simplified Chinese.
SC_SUFFIX = " SC"
# Bump when what a copy holds changes, so old copies are not used.
VERSION = "2"


class FontMissing(Exception):
    """The system has no Noto CJK fonts: the message says how to install them."""


@dataclass(frozen=True)
class DocumentFonts:
    """The document's font files, by face, and the fontconfig file that makes them installed fonts."""

    files: dict[str, Path]
    fontconfig: Path

    def environment(self) -> dict[str, str]:
        """Chromium's environment: the caller's, with fontconfig told about the copies."""
        return {**os.environ, "FONTCONFIG_FILE": str(self.fontconfig)}


def _is_ideograph(code: int) -> bool:
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3FFFF


def shadowing_code_points(cmap: dict[int, str]) -> set[int]:
    """Code points that map to the glyph of a CJK ideograph without being one (radicals, compatibility
    ideographs): the ones a PDF writer may name that glyph by instead of the ideograph."""
    by_glyph: dict[str, list[int]] = {}
    for code, glyph in cmap.items():
        by_glyph.setdefault(glyph, []).append(code)
    return {
        code
        for codes in by_glyph.values()
        if len(codes) > 1 and any(_is_ideograph(c) for c in codes)
        for code in codes
        if not _is_ideograph(code)
    }


def _source(name: str) -> Path:
    for folder in NOTO_DIRS:
        if (folder / name).exists():
            return folder / name
    raise FontMissing(f"找不到字体 {name}：请安装 Debian 的 fonts-noto-cjk（make browser）")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "county-dashboard" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:  # a read-only home: a folder of our own under the temporary directory
        fallback = Path(tempfile.gettempdir()) / f"county-dashboard-fonts-{os.getuid()}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _rename(font: object, family: str, style: str) -> None:
    """Give the font its own family name, so it never stands in for (or is taken for) the system's."""
    full = family if style == "Regular" else f"{family} {style}"
    names = {1: family, 2: style, 4: full, 6: full.replace(" ", "-"), 16: family, 17: style}
    for record in font["name"].names:  # type: ignore[index]
        if record.nameID in names:
            record.string = names[record.nameID]


def _write_copy(source: Path, target: Path, family: str, style: str) -> None:
    """The SC font of the collection at `source`, without shadowing code points and named `family`,
    written to `target`."""
    from fontTools.ttLib import TTCollection
    from fontTools.ttLib.sfnt import SFNTWriter

    collection = TTCollection(str(source), lazy=True)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith(SC_SUFFIX))
    dropped = shadowing_code_points(font.getBestCmap())
    for table in font["cmap"].tables:
        if table.isUnicode():
            for code in dropped:
                table.cmap.pop(code, None)
    _rename(font, family, style)
    tags = sorted(font.reader.keys())
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with partial.open("wb") as out:
        writer = SFNTWriter(out, len(tags), font.reader.sfntVersion)
        for tag in tags:
            # Only the character map and the names change; every other table is copied byte for byte.
            writer[tag] = font[tag].compile(font) if tag in ("cmap", "name") else font.reader[tag]
        writer.close()
    partial.replace(target)  # whole or not at all, also when two reports start at once


def document_fonts() -> DocumentFonts:
    """The document's font files, made on first use (FontMissing without Noto CJK)."""
    sources = {face: _source(name) for face, (name, _, _) in FACES.items()}
    stamp = "|".join(f"{p}|{p.stat().st_size}|{p.stat().st_mtime_ns}" for p in sources.values())
    # One folder per version of the sources: fontconfig must never see two copies of one face.
    folder = _cache_dir() / hashlib.sha256(f"{VERSION}|{stamp}".encode()).hexdigest()[:12]
    folder.mkdir(exist_ok=True)
    files = {}
    for face, (_, family, style) in FACES.items():
        target = folder / f"{face}.otf"
        if not target.exists():
            _write_copy(sources[face], target, family, style)
        files[face] = target
    config = folder / "fonts.conf"
    if not config.exists():
        partial = folder / f".fonts.conf.{os.getpid()}.tmp"
        partial.write_text(_FONTCONFIG.format(folder=folder), encoding="utf-8")
        partial.replace(config)
    return DocumentFonts(files, config)
