"""Personal data: ID numbers checked and hashed, names masked, the key kept private.

Check digits are computed here from the published GB 11643-1999 algorithm, not taken
from the code under test.
"""

from __future__ import annotations

import os
import random
import re
import stat
import threading
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.ingest import personal
from tracker.ingest.values import ValueProblem

CJK = re.compile(r"[\u4e00-\u9fff]")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    assert len(body) == 17 and body.isdigit()
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def with_check(body: str) -> str:
    return body + check_digit(body)


def body_with_check(check: str, last_two: str = "") -> str:
    """A 17-digit body (Hequ region code first) whose check character is check."""
    for n in range(1000):
        body = f"1409301990{n:07d}"
        body = body[: 17 - len(last_two)] + last_two
        if check_digit(body) == check:
            return body
    raise AssertionError(f"no body with check {check}")


VALID = with_check("14093019900101123")
WRONG_CHECK = VALID[:17] + CHECK_CHARS[(CHECK_CHARS.index(VALID[17]) + 1) % 11]


def assert_refused(raw: object) -> ValueProblem:
    with pytest.raises(ValueProblem) as info:
        personal.normalise_id_number(raw)
    assert CJK.search(str(info.value)), str(info.value)
    return info.value


# --- ID numbers ---------------------------------------------------------------------------


def test_check_digit_helper_matches_a_published_example() -> None:
    # The example in GB 11643-1999 annex: 11010519491231002X.
    assert check_digit("11010519491231002") == "X"


def test_valid_id_number_is_accepted() -> None:
    assert not VALID.endswith("000")
    assert personal.normalise_id_number(VALID) == VALID


def test_valid_id_number_with_spaces_and_full_width_digits() -> None:
    full = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    assert personal.normalise_id_number(f"\u3000{full} ") == VALID
    assert personal.normalise_id_number(f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ") == VALID


def test_empty_id_number_is_none() -> None:
    assert personal.normalise_id_number(None) is None
    assert personal.normalise_id_number("") is None
    assert personal.normalise_id_number("\u3000") is None


def test_wrong_check_digit_is_refused() -> None:
    assert WRONG_CHECK != VALID
    assert_refused(WRONG_CHECK)


def test_every_wrong_check_character_is_refused() -> None:
    for char in CHECK_CHARS:
        if char != VALID[17]:
            assert_refused(VALID[:17] + char)


def test_scientific_notation_is_refused() -> None:
    assert_refused("1.40930E+17")
    assert_refused("1.40930e+17")
    assert_refused("1.40930199001011E+17")


def test_float_is_refused() -> None:
    assert_refused(float(VALID[:17] + "0"))
    assert_refused(1.40930e17)


def test_17_digits_are_refused() -> None:
    assert_refused(VALID[:17])
    assert_refused(VALID[:16] + VALID[17])


def test_19_digits_and_letters_are_refused() -> None:
    assert_refused(VALID + "1")
    assert_refused(VALID[:10] + "A" + VALID[11:])


def test_last_three_digits_000_are_refused_even_with_a_correct_check_digit() -> None:
    id_number = with_check(body_with_check("0", last_two="00"))
    assert id_number.endswith("000")
    assert check_digit(id_number[:17]) == id_number[17]
    assert_refused(id_number)


def test_lower_case_x_is_accepted_as_upper_case() -> None:
    id_number = with_check(body_with_check("X"))
    assert id_number.endswith("X")
    assert personal.normalise_id_number(id_number.lower()) == id_number
    assert personal.normalise_id_number(id_number) == id_number


def test_id_number_in_other_scripts_digits_is_not_kept_as_is() -> None:
    # A normalised ID number is plain ASCII, or the same person would hash two ways.
    id_number = with_check(body_with_check("X"))
    arabic_indic = "".join(chr(0x660 + int(c)) if c.isdigit() else c for c in id_number)
    try:
        result = personal.normalise_id_number(arabic_indic)
    except ValueProblem:
        return
    assert result == id_number


ID_BODIES = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(ID_BODIES)
@PROPERTY
def test_any_body_with_its_check_digit_is_accepted_unless_it_ends_000(body: str) -> None:
    id_number = with_check(body)
    if id_number.endswith("000"):
        assert_refused(id_number)
    else:
        assert personal.normalise_id_number(id_number) == id_number
        for char in CHECK_CHARS:
            if char != id_number[17]:
                assert_refused(id_number[:17] + char)


@given(
    st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789xX.eE+- \u3000", max_size=25),
        ID_BODIES.map(lambda b: b + "X"),
        st.floats(),
        st.integers(),
        st.none(),
    )
)
@PROPERTY
def test_normalise_id_number_raises_only_value_problem(raw: object) -> None:
    try:
        result = personal.normalise_id_number(raw)
    except ValueProblem as problem:
        assert CJK.search(str(problem)), str(problem)
        return
    if result is not None:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", result, re.ASCII), result
        assert check_digit(result[:17]) == result[17]


# --- hashing ------------------------------------------------------------------------------


# Known values, not computed here: RFC 4231 test case 2, and an ID number hashed with
# `printf '%s' 140930199001011238 | openssl dgst -sha256 -hmac county-dashboard-test-key`.
# The store keeps the first 32 hex digits (128 bits) of HMAC-SHA256.
KNOWN_HASHES = [
    ("what do ya want for nothing?", b"Jefe", "5bdcc146bf60754e6a042426089575c7"),
    ("140930199001011238", b"county-dashboard-test-key", "dc62f2712496baf14ac6c4cf784fb755"),
]


@pytest.mark.parametrize(("text", "key", "expected"), KNOWN_HASHES)
def test_hash_is_hmac_sha256_of_a_known_value(text: str, key: bytes, expected: str) -> None:
    assert personal.hash_id_number(text, key) == expected
    assert personal.hash_id_numbers(pa.array([text]), key).to_pylist() == [expected]  # the import's bulk path


def test_hash_is_stable_for_one_key() -> None:
    key = b"k" * 32
    assert personal.hash_id_number(VALID, key) == personal.hash_id_number(VALID, key)


def test_hash_differs_across_keys_and_people() -> None:
    one, other = b"a" * 32, b"b" * 32
    assert personal.hash_id_number(VALID, one) != personal.hash_id_number(VALID, other)
    another = with_check("14093019850505321")
    assert personal.hash_id_number(VALID, one) != personal.hash_id_number(another, one)


def test_hash_does_not_contain_the_id_number() -> None:
    hashed = personal.hash_id_number(VALID, b"k" * 32)
    assert VALID not in hashed
    assert VALID[:17] not in hashed
    assert VALID[6:14] not in hashed  # not even the birth date


# --- the key ------------------------------------------------------------------------------


def test_store_key_creates_a_private_key_file_and_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_ID_KEY", raising=False)
    store = tmp_path / "store"
    key = personal.store_key(store)
    assert isinstance(key, bytes) and len(key) >= 16
    files = [p for p in store.iterdir()]
    assert len(files) == 1, files  # the key file, no temporary left behind
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert key.hex() in files[0].read_text() or key in files[0].read_bytes()
    assert personal.store_key(store) == key
    assert [p for p in store.iterdir()] == files


def test_store_key_differs_between_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_ID_KEY", raising=False)
    assert personal.store_key(tmp_path / "one") != personal.store_key(tmp_path / "two")


def _first_uses_at_once(store: Path, count: int) -> list[object]:
    """store_key(store) called by count threads released together: each key, or the error."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def first_use() -> None:
        barrier.wait()
        try:
            results.append(personal.store_key(store))
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=first_use) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_first_uses_at_once_agree_on_one_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The code says two first imports at once must end with one key: a race here once
    # crashed one of them or handed it an empty key.
    monkeypatch.delenv("TRACKER_ID_KEY", raising=False)
    for attempt in range(30):
        store = tmp_path / f"store{attempt}"
        results = _first_uses_at_once(store, 4)
        assert all(isinstance(r, bytes) and len(r) >= 16 for r in results), results
        assert len(set(results)) == 1, results
        files = list(store.iterdir())
        assert len(files) == 1, files
        assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600


# --- names and what error messages may show -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张海根", "张*根"),
        ("张三", "张*"),
        ("欧阳海根", "欧**根"),
        (" 张海根 ", "张*根"),
        ("\u3000张三", "张*"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert personal.mask_name(name) == masked


def test_mask_empty_name() -> None:
    assert personal.mask_name(None) is None
    assert personal.mask_name("") is None


@given(st.text(alphabet="张王李欧阳海根三明华", min_size=3, max_size=6))
@PROPERTY
def test_mask_keeps_only_first_and_last_character(name: str) -> None:
    masked = personal.mask_name(name)
    assert masked == name[0] + "*" * (len(name) - 2) + name[-1]


@pytest.mark.parametrize(
    "raw",
    [VALID, WRONG_CHECK, VALID[:17], f" {VALID} ", "1.40930E+17", float(VALID[:15] + "000"), VALID + "99"],
)
def test_redacted_id_number_shows_at_most_four_leading_digits(raw: object) -> None:
    shown = personal.redact_id_number(raw)
    assert len(re.findall(r"\d", shown)) <= 4, shown
    assert VALID[4:10] not in shown


@given(st.one_of(st.text(max_size=30), ID_BODIES.map(with_check), st.floats(), st.integers(), st.none()))
@PROPERTY
def test_redaction_never_shows_more_than_four_characters(raw: object) -> None:
    shown = personal.redact_id_number(raw)
    assert sum(1 for c in shown if c != "*") <= 4, shown
    assert len(re.findall(r"\d", shown)) <= 4, shown


def test_bulk_hashes_are_the_hashes_of_one_number_at_a_time() -> None:
    # The import hashes whole columns in DuckDB; a person must still get the one hash the store
    # has always given them, or their household stops linking across weeks.
    rng = random.Random(11)
    numbers = [with_check(f"1409301{rng.randint(0, 10**10 - 1):010d}") for _ in range(300)]
    assert any(n.endswith("X") for n in numbers)
    for key in (b"k" * 32, bytes(range(100))):  # a key longer than a SHA-256 block is hashed first
        bulk = personal.hash_id_numbers(pa.array(numbers), key).to_pylist()
        assert bulk == [personal.hash_id_number(n, key) for n in numbers]


def test_bulk_validity_agrees_with_the_checks_one_at_a_time() -> None:
    valid = with_check("14093019800101001")
    cells = [
        valid,
        valid[:-1] + ("0" if valid[-1] != "0" else "1"),  # wrong check digit
        with_check("14093019800101000")[:15] + "000",  # Excel's truncation
        valid.lower(),
        valid[:17],
        f" {valid}",
        "".join(chr(ord(c) + 0xFEE0) for c in valid),  # full-width digits
        "",
        None,
    ]

    def unchanged(cell: str | None) -> bool:
        try:
            return cell is not None and personal.normalise_id_number(cell) == cell
        except ValueProblem:
            return False

    assert personal.valid_id_numbers(pa.array(cells, pa.string())).tolist() == [unchanged(c) for c in cells]
    assert unchanged(valid) and not unchanged(cells[1])
