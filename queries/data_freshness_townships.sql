-- Townships whose rows in the snapshot in force on the day shown are from an earlier day: a later file covered only other townships, so theirs were kept (数据截至 per township).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: table_name, snapshot (the day of the snapshot in force), county, township (NULL = county-level funds), township_as_of, rows
WITH
in_force AS (
    SELECT table_name, max(as_of) AS as_of FROM snapshot_days WHERE as_of <= $as_of GROUP BY table_name
),
older AS (
    -- each ledger's import-time summary, only the snapshot in force and only rows older than it
    SELECT 'villages' AS table_name, as_of, county, township, township_as_of, villages AS rows FROM village_summary
    WHERE as_of = (SELECT as_of FROM in_force WHERE table_name = 'villages') AND township_as_of < as_of
    UNION ALL
    SELECT 'households', as_of, county, township, township_as_of, households FROM household_summary
    WHERE as_of = (SELECT as_of FROM in_force WHERE table_name = 'households') AND township_as_of < as_of
    UNION ALL
    SELECT 'party_orgs', as_of, county, township, township_as_of, orgs FROM org_summary
    WHERE as_of = (SELECT as_of FROM in_force WHERE table_name = 'party_orgs') AND township_as_of < as_of
    UNION ALL
    SELECT 'funds', as_of, county, township, township_as_of, allocations FROM fund_summary
    WHERE as_of = (SELECT as_of FROM in_force WHERE table_name = 'funds') AND township_as_of < as_of
),
final AS (
    SELECT table_name, as_of AS snapshot, county, township, township_as_of, sum(rows)::BIGINT AS rows
    FROM older
    WHERE len($township) = 0 OR list_contains($township, township)
    GROUP BY ALL
)
SELECT * FROM final ORDER BY table_name, township_as_of, county, township
