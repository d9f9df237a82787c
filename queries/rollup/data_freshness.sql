-- How fresh each table is on the day shown, read from the weekly rollups (tracker/province_layout.py): the snapshot in force (latest on or before $as_of) and its rows.
-- params: $as_of (DATE)
-- returns: table_name, as_of (NULL when the table has no snapshot yet), rows
WITH
days AS (
    SELECT 'villages' AS table_name, as_of, sum(villages)::BIGINT AS rows FROM villages_weekly GROUP BY as_of
    UNION ALL SELECT 'households', as_of, sum(households)::BIGINT FROM households_weekly GROUP BY as_of
    UNION ALL SELECT 'party_orgs', as_of, sum(orgs)::BIGINT FROM party_orgs_weekly GROUP BY as_of
    UNION ALL SELECT 'funds', as_of, sum(allocations)::BIGINT FROM funds_weekly GROUP BY as_of
    UNION ALL SELECT 'targets', as_of, count(*) FROM targets GROUP BY as_of
),
final AS (
    SELECT table_name, arg_max(as_of, as_of) AS as_of, arg_max(rows, as_of) AS rows
    FROM days WHERE as_of <= $as_of GROUP BY table_name
)
SELECT * FROM final ORDER BY table_name
