"""Personal data: ID numbers become salted hashes, names become masks, before anything is kept.

The hash is an HMAC-SHA256 keyed with a per-store secret, so the same person
links across snapshots inside one store, but a hash cannot be reversed by
hashing every possible ID number (there are few enough to try) without the key.
The key lives in the store folder, readable by its owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from tracker.contract.cell_text import clean_text, compact
from tracker.ingest.values import ValueProblem

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would keep other scripts' digits
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)


def normalise_id_number(raw: Any) -> str | None:
    """An 18-character resident ID number, checked; a number Excel has mangled is refused."""
    if isinstance(raw, float):
        raise ValueProblem("身份证号被Excel存成了数字，末几位已丢失，请将该列设为文本后重新导出")
    text = clean_text(raw)
    if text is None:
        return None
    text = compact(text).upper()
    if _SCIENTIFIC.match(text):
        raise ValueProblem("身份证号被Excel改成了科学计数法，无法还原，请将该列设为文本后重新导出")
    if not _ID_SHAPE.match(text):
        raise ValueProblem("身份证号应为18位（最后一位可为X）")
    if text.endswith("000"):
        # Excel keeps 15 significant digits: an 18-digit number comes back ending in 000.
        raise ValueProblem("身份证号末三位为000，疑似被Excel截断，请核对原始记录")
    if _ID_CHECK[sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS)) % 11] != text[17]:
        raise ValueProblem("身份证号校验位不正确")
    return text


def redact_id_number(raw: Any) -> str:
    """What an error message may show of an ID number: its length and region, never the person."""
    text = compact(clean_text(raw) or "")
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 4)


def mask_name(raw: Any) -> str | None:
    """张海根 → 张*根, 张三 → 张*, 欧阳海根 → 欧**根: the surname and the last character stay."""
    text = clean_text(raw)
    if text is None:
        return None
    name = compact(text)
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def store_key(data_dir: Path) -> bytes:
    """The store's secret key for hashing ID numbers, created on first use."""
    env = os.environ.get("TRACKER_ID_KEY")
    if env:
        return env.encode()
    path = data_dir / "secret.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # Each writer its own temporary file: a shared name let one writer truncate or
    # unlink the file another was about to link.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    # Two first imports at once: the first to land wins, the other reads its key.
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text().strip())


def hash_id_number(id_number: str, key: bytes) -> str:
    """The salted hash that stands for an ID number in the store."""
    return hmac.digest(key, id_number.encode(), hashlib.sha256).hex()[:32]


def valid_id_numbers(texts: pa.Array) -> np.ndarray:
    """Which cells are already clean, valid ID numbers (18 ASCII characters, check digit right, no
    trailing 000): what `normalise_id_number` would return unchanged. Others need it for their reason."""
    texts = texts.cast(pa.string())
    count = len(texts)
    valid = np.zeros(count, dtype=bool)
    if not count:
        return valid
    # Read straight from Arrow's buffers: 500,000 numbers are one 9 MB grid of bytes.
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset : texts.offset + count + 1]
    data = np.frombuffer(texts.buffers()[2], dtype=np.uint8) if texts.buffers()[2] else np.zeros(0, np.uint8)
    shaped = np.diff(offsets) == 18
    if texts.null_count:
        shaped &= texts.is_valid().to_numpy(zero_copy_only=False)
    if shaped.all():
        grid = data[offsets[0] : offsets[0] + 18 * count].reshape(count, 18)
    else:
        grid = data[offsets[:-1][shaped][:, None] + np.arange(18)]
    digits = grid[:, :17] - ord("0")  # bytes below "0" wrap around to large numbers
    last = grid[:, 17]
    well_formed = (digits <= 9).all(axis=1) & (((last >= ord("0")) & (last <= ord("9"))) | (last == ord("X")))
    weights = np.array(_ID_WEIGHTS, dtype=np.int64)
    check = np.frombuffer(_ID_CHECK.encode(), dtype=np.uint8)[(digits.astype(np.int64) @ weights) % 11]
    truncated = (grid[:, 15:] == ord("0")).all(axis=1)
    valid[np.flatnonzero(shaped)] = well_formed & (check == last) & ~truncated
    return valid


def hash_id_numbers(id_numbers: pa.Array, key: bytes) -> pa.Array:
    """`hash_id_number` of every value, computed by DuckDB over the whole column.

    HMAC(k, m) = SHA256((k ^ opad) || SHA256((k ^ ipad) || m)) for a key of at most
    64 bytes; DuckDB runs the two SHA-256 passes on all cores, several times faster
    than a Python call per value at province scale.
    """
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block)
    outer = bytes(b ^ 0x5C for b in block)
    con = duckdb.connect(":memory:")
    try:
        con.register("id_numbers", pa.table({"m": id_numbers}))
        result = con.sql(
            "SELECT left(sha256($outer || unhex(sha256($inner || encode(m)))), 32) AS h FROM id_numbers",
            params={"outer": outer, "inner": inner},
        ).to_arrow_table()
        return result.column("h").combine_chunks()
    finally:
        con.close()
