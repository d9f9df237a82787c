"""Do the tests still bite? Put known bugs into a copy of the code, one at a time, and run the tests.

    .venv/bin/python -m tests.mutations            # every mutation, a few minutes on 2 cores
    .venv/bin/python -m tests.mutations --list     # what each mutation does and which tests it runs
    .venv/bin/python -m tests.mutations sign_of_weekly_change manifest_in_place

Each mutation is one realistic bug: a small text replacement in one file (the text to
replace must occur exactly once, so a refactor that moves it makes the script fail
loudly rather than test nothing). The working tree is never touched: the repository's
files are copied to a scratch folder once, each mutation is applied there, the chosen
tests run (`pytest -x`), and the file is put back. First the chosen tests run on the
unmutated copy and must pass, so a "caught" means the bug was caught, not that the
tests were already failing. The sample is imported once by the unmutated copy and
shared (TESTS_SAMPLE_STORE) except for a bug in a file the import runs, whose tests
import it again with the bug in place.

Prints one line per mutation (caught / SURVIVED / error) and one JSON line; exits 1 if
any mutation survived or could not be applied.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    """A bug: in `file`, `old` (found exactly once) becomes `new`; `tests` are the pytest arguments that must catch it."""

    name: str
    bug: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS: tuple[Mutation, ...] = (
    # --- the three bugs that once survived the suite
    Mutation(
        "completed_literal_without_yibanqian",
        "indicator_series.sql counts 已搬迁 villages as not completed (a stage list written in the query)",
        "queries/indicator_series.sql",
        "coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status)), 0)::BIGINT AS villages_completed",
        "coalesce(sum(villages) FILTER (WHERE relocation_status IN ('已拆除复垦', '已销号')), 0)::BIGINT AS villages_completed",
        ("tests/test_oracle.py::test_every_overview_card_of_every_week_township_and_batch",),
    ),
    Mutation(
        "completed_rule_without_yibanqian",
        "the completion rule itself leaves out 已搬迁",
        "tracker/contract/schema.py",
        "COMPLETED_STAGES: tuple[str, ...] = RELOCATION_STAGES[3:]",
        "COMPLETED_STAGES: tuple[str, ...] = RELOCATION_STAGES[4:]",
        ("tests/test_query_rules.py::test_the_value_rules_as_the_readme_and_the_contract_state_them",),
    ),
    Mutation(
        "indicator_aliases_swapped",
        "the indicator aliases 搬迁户数 and 搬迁人数 swapped in schema.py",
        "tracker/contract/schema.py",
        '    "搬迁户数": "households_moved",\n    "搬迁人数": "people_moved",',
        '    "搬迁户数": "people_moved",\n    "搬迁人数": "households_moved",',
        ("tests/test_values.py::test_indicators_by_key_label_or_alias",),
    ),
    Mutation(
        "manifest_in_place",
        "the manifest written in place instead of a temporary file and a rename",
        "tracker/store/commit.py",
        "        write_atomic(data_dir / MANIFEST, encoded)\n    except BaseException:",
        "        (data_dir / MANIFEST).write_bytes(encoded)\n    except BaseException:",
        ("tests/test_store.py::test_an_import_failed_or_killed_at_any_step_leaves_the_store_whole",),
    ),
    # --- and the usual suspects
    Mutation(
        "snapshot_day_off_by_one",
        "the snapshot in force on a day is the one before it",
        "tracker/rules/macros.py",
        "table_name = ledger AND as_of <= day)",
        "table_name = ledger AND as_of < day)",
        ("tests/test_oracle.py::test_every_ranking_row_of_every_week_and_batch",),
    ),
    Mutation(
        "total_rows_kept",
        "合计 rows kept as data rows",
        "tracker/ingest/body.py",
        '    return any(isinstance(v, str) and "计" in v and _TOTAL_ROW.search(compact(v)) for v in row[:6])',
        "    return False",
        ("tests/test_import_formats.py::test_total_rows_are_dropped_and_reported",),
    ),
    Mutation(
        "township_scope_dropped",
        "the store reader no longer limits a township user's rows",
        "tracker/store/reader.py",
        "            relation = relation.filter(condition)",
        "            pass",
        ("tests/test_access.py::test_sql_as_a_township_user_returns_only_their_rows",),
    ),
    Mutation(
        "id_check_digit_skipped",
        "an ID number with a wrong check digit accepted (one at a time)",
        "tracker/ingest/personal.py",
        "    if _ID_CHECK[sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS)) % 11] != text[17]:\n"
        '        raise ValueProblem("身份证号校验位不正确")\n',
        "",
        ("tests/test_personal.py::test_wrong_check_digit_is_refused",),
    ),
    Mutation(
        "id_check_digit_skipped_in_bulk",
        "an ID number with a wrong check digit accepted (the column-wise import)",
        "tracker/ingest/personal.py",
        "valid[np.flatnonzero(shaped)] = well_formed & (check == last) & ~truncated",
        "valid[np.flatnonzero(shaped)] = well_formed & ~truncated",
        ("tests/test_personal.py::test_bulk_validity_agrees_with_the_checks_one_at_a_time",),
    ),
    Mutation(
        "names_unmasked",
        "names stored as written (张海根 stays 张海根)",
        "tracker/ingest/personal.py",
        '    return name[0] + "*" * (len(name) - 2) + name[-1]',
        "    return name",
        (
            "tests/test_personal.py::test_mask_name",
            "tests/test_personal.py::test_mask_keeps_only_first_and_last_character",
        ),
    ),
    Mutation(
        "wan_yuan_rounded_to_one_decimal",
        "amounts in 万元 shown with one decimal instead of two",
        "tracker/contract/formatting.py",
        'return f"{float(value_10k):,.2f} 万元"',
        'return f"{float(value_10k):,.1f} 万元"',
        ("tests/test_oracle.py::test_the_overview_page_shows_the_oracles_cards",),
    ),
    Mutation(
        "sign_of_weekly_change",
        "the change since last week computed the wrong way round",
        "tracker/rules/indicators.py",
        "        return self.actual - self.previous",
        "        return self.previous - self.actual",
        ("tests/test_oracle.py::test_every_overview_card_of_every_week_township_and_batch",),
    ),
    Mutation(
        "zero_break_denominator",
        "the ranking's 破零 rate divided by the relocation villages instead of all villages",
        "queries/ranking.sql",
        "zero_break_rate(villages_past_zero, villages) AS zero_break_rate",
        "zero_break_rate(villages_past_zero, relocation_villages) AS zero_break_rate",
        ("tests/test_oracle.py::test_every_ranking_row_of_every_week_and_batch",),
    ),
    # --- the four bugs a reader put in by hand that the suite let through (issue 23)
    Mutation(
        "relocation_villages_joined_on_name",
        "relocation_villages.sql joins villages to their households on the village name alone",
        "queries/relocation_villages.sql",
        "FROM v LEFT JOIN household_side AS s USING (township, village)",
        "FROM v LEFT JOIN household_side AS s USING (village)",
        ("tests/test_shared_village_name.py::test_each_relocation_village_has_its_own_households_only",),
    ),
    Mutation(
        "shrink_guard_refuses_exactly_a_fifth",
        "the shrink guard refuses an import exactly 20 % smaller (>= instead of >)",
        "tracker/ingest/shrink_guard.py",
        "(change.before - change.after) / change.before > SHRINK_LIMIT",
        "(change.before - change.after) / change.before >= SHRINK_LIMIT",
        ("tests/test_import_coverage.py::test_exactly_a_fifth_fewer_passes_and_one_more_is_refused",),
    ),
    Mutation(
        "raw_float_check_weakened",
        "the report's raw-float check lets numbers with four or five decimals through (71.95122)",
        "tracker/weekly/report_checks.py",
        r"const raw = text.match(/\d\.\d{4,}/);",
        r"const raw = text.match(/\d\.\d{6,}/);",
        ("tests/test_report_checks.py::test_a_raw_float_fails_and_a_formatted_number_does_not",),
    ),
    Mutation(
        "summaries_in_memory_unscoped",
        "the reader's in-memory tables (the summaries the weekly series read) no longer limited to its scope",
        "tracker/store/reader.py",
        "                self._scoped(relation).create(name)",
        "                relation.create(name)",
        (
            "tests/test_access.py::test_sql_as_a_township_user_sees_only_their_rows_of_every_table_and_summary",
        ),
    ),
    Mutation(
        "value_formatted_into_sql",
        "a township value written into the SQL text instead of bound",
        "tracker/store/queries.py",
        "    sql, bound = bind(name, params)\n    return cursor.execute(sql, bound).df()",
        "    sql, bound = bind(name, params)\n"
        '    if "township" in bound:\n'
        '        sql = sql.replace("$township", repr(list(bound.pop("township"))))\n'
        "    return cursor.execute(sql, bound).df()",
        ("tests/test_queries.py::test_a_township_value_is_data_not_sql",),
    ),
)


def _copy_tree(target: Path) -> None:
    """The repository's tracked and new (not ignored) files, and the .venv link."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    venv = REPO / ".venv"
    if venv.exists():
        (target / ".venv").symlink_to(venv.resolve())


# Files the import runs: a bug in them must meet a sample imported with that bug.
IMPORT_FILES = {"tracker/contract/schema.py", "tracker/store/summaries.py", "tracker/contract/county.py"}


def _touches_import(mutation: Mutation) -> bool:
    return mutation.file in IMPORT_FILES or mutation.file.startswith(
        ("tracker/ingest/", "queries/summaries/")
    )


def _pytest(tree: Path, tests: tuple[str, ...], sample: Path | None) -> tuple[int, float, str]:
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "TESTS_"))}
    if sample is not None:
        env["TESTS_SAMPLE_STORE"] = str(sample)  # the sample imported once, unmutated (tests/conftest.py)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=tree,
        capture_output=True,
        text=True,
        env=env,
    )
    return done.returncode, time.monotonic() - started, (done.stdout + done.stderr)[-1500:]


def _import_sample(tree: Path, store: Path) -> None:
    """The shipped sample imported by the unmutated copy, for mutations outside the import."""
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--data-dir", str(store), "import", "sample_data"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
    )
    if done.returncode != 0:
        raise RuntimeError(f"the sample does not import:\n{done.stderr[-1500:]}")


def _apply(tree: Path, mutation: Mutation) -> str:
    """Apply the mutation in the copy; the file's original text (to put back)."""
    path = tree / mutation.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.old)
    if found != 1:
        raise ValueError(f"{mutation.file}: the text to mutate occurs {found} times, not once")
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the mutations named (all by default); print caught / survived and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and their tests")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutations: {sorted(unknown)}")
    if args.list:
        for m in chosen:
            print(f"{m.name}: {m.bug}\n    {m.file}; tests: {' '.join(m.tests)}")
        return 0
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="mutations-") as scratch:
        tree = Path(scratch) / "tree"
        _copy_tree(tree)
        # Nothing to share when every chosen bug is in the import and needs its own.
        sample = None if all(_touches_import(m) for m in chosen) else Path(scratch) / "sample-store"
        if sample is not None:
            _import_sample(tree, sample)
        # Every chosen test at once, unmutated: one session, one import of the sample.
        baseline = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        code, seconds, output = _pytest(tree, baseline, sample)
        if code != 0:
            print(f"the tests fail without any mutation:\n{output}", file=sys.stderr)
            return 2
        print(f"unmutated: the {len(baseline)} chosen tests pass ({seconds:.0f} s)", flush=True)
        for mutation in chosen:
            try:
                original = _apply(tree, mutation)
            except ValueError as problem:
                results.append({"name": mutation.name, "outcome": "error", "detail": str(problem)})
                print(f"error     {mutation.name}: {problem}")
                continue
            try:
                code, seconds, output = _pytest(
                    tree, mutation.tests, None if _touches_import(mutation) else sample
                )
            finally:
                (tree / mutation.file).write_text(original, encoding="utf-8")
            # pytest exits 1 when a test failed; anything else (2-5) means the tests did not run properly.
            outcome = "caught" if code == 1 else ("survived" if code == 0 else "error")
            results.append({"name": mutation.name, "outcome": outcome, "seconds": round(seconds, 1)})
            label = {"caught": "caught", "survived": "SURVIVED", "error": "error"}[outcome]
            print(f"{label:<9} {mutation.name} ({seconds:.0f} s): {mutation.bug}", flush=True)
            if outcome == "error":
                print(output, file=sys.stderr)
    caught = sum(r["outcome"] == "caught" for r in results)
    print(f"{caught} of {len(results)} mutations caught")
    print(json.dumps({"mutations": results, "caught": caught, "total": len(results)}, ensure_ascii=False))
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
