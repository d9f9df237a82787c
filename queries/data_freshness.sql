-- How fresh each table is on the day shown: the snapshot in force (latest on or before $as_of) and its rows.
-- params: $as_of (DATE)
-- returns: table_name, as_of (NULL when the table has no snapshot yet), rows
WITH
days AS (
    -- the ledgers' rows counted from their import-time summaries, not by reading every snapshot
    SELECT 'villages' AS table_name, as_of, sum(villages)::BIGINT AS rows FROM village_summary GROUP BY as_of
    UNION ALL SELECT 'households', as_of, sum(households)::BIGINT FROM household_summary GROUP BY as_of
    UNION ALL SELECT 'party_orgs', as_of, sum(orgs)::BIGINT FROM org_summary GROUP BY as_of
    UNION ALL SELECT 'funds', as_of, sum(allocations)::BIGINT FROM fund_summary GROUP BY as_of
    UNION ALL SELECT 'targets', as_of, count(*) FROM targets GROUP BY as_of
    UNION ALL SELECT 'responsibilities', as_of, count(*) FROM responsibilities GROUP BY as_of
),
final AS (
    SELECT table_name, arg_max(as_of, as_of) AS as_of, arg_max(rows, as_of) AS rows
    FROM days WHERE as_of <= $as_of GROUP BY table_name
)
SELECT * FROM final ORDER BY table_name
