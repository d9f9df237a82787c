-- Townships whose rows in the snapshot in force on the day shown are from an earlier day: a later file covered only other townships, so theirs were kept (数据截至 per township).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: table_name, snapshot (the day of the snapshot in force), county, township (NULL = county-level funds), township_as_of, rows
WITH
older AS (
    -- each ledger's import-time summary, only the snapshot in force and only rows older than it
    SELECT 'villages' AS table_name, as_of, county, township, township_as_of, villages AS rows FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of) AND township_as_of < as_of
    UNION ALL
    SELECT 'households', as_of, county, township, township_as_of, households FROM household_summary
    WHERE as_of = snapshot_day('households', $as_of) AND township_as_of < as_of
    UNION ALL
    SELECT 'party_orgs', as_of, county, township, township_as_of, orgs FROM org_summary
    WHERE as_of = snapshot_day('party_orgs', $as_of) AND township_as_of < as_of
    UNION ALL
    SELECT 'funds', as_of, county, township, township_as_of, allocations FROM fund_summary
    WHERE as_of = snapshot_day('funds', $as_of) AND township_as_of < as_of
    UNION ALL
    SELECT 'responsibilities', as_of, county, township, township_as_of, count(*) FROM responsibilities
    WHERE as_of = snapshot_day('responsibilities', $as_of) AND township_as_of < as_of
    GROUP BY ALL
),
final AS (
    SELECT table_name, as_of AS snapshot, county, township, township_as_of, sum(rows)::BIGINT AS rows
    FROM older
    WHERE in_townships(township, $township)
    GROUP BY ALL
)
SELECT * FROM final ORDER BY table_name, township_as_of, county, township
