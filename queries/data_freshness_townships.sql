-- Townships whose rows in the snapshot in force on the day shown are from an earlier day: a later file covered only other townships, so theirs were kept (数据截至 per township).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: table_name, snapshot (the day of the snapshot in force), county, township (NULL = county-level funds), township_as_of, rows
WITH
days AS (
    -- the ledgers' rows per township and day, from their import-time summaries
    SELECT 'villages' AS table_name, as_of, county, township, township_as_of, sum(villages)::BIGINT AS rows
    FROM village_summary GROUP BY ALL
    UNION ALL SELECT 'households', as_of, county, township, township_as_of, sum(households)::BIGINT
    FROM household_summary GROUP BY ALL
    UNION ALL SELECT 'party_orgs', as_of, county, township, township_as_of, sum(orgs)::BIGINT
    FROM org_summary GROUP BY ALL
    UNION ALL SELECT 'funds', as_of, county, township, township_as_of, sum(allocations)::BIGINT
    FROM fund_summary GROUP BY ALL
),
in_force AS (
    SELECT table_name, max(as_of) AS as_of FROM snapshot_days WHERE as_of <= $as_of GROUP BY table_name
),
final AS (
    SELECT d.table_name, d.as_of AS snapshot, d.county, d.township, d.township_as_of, d.rows
    FROM days AS d
    JOIN in_force AS f ON f.table_name = d.table_name AND f.as_of = d.as_of
    WHERE d.township_as_of < d.as_of
      AND (len($township) = 0 OR list_contains($township, d.township))
)
SELECT * FROM final ORDER BY table_name, township_as_of, county, township
