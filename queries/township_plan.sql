-- What each township's ledgers plan, for targets the county's targets file does not split by township: its relocation villages and their planned households and people per batch, and its weak organizations.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: county, township, relocation_batch (NULL on the row that carries weak_orgs), relocation_villages, planned_households,
--          planned_people (计划搬迁户数 / 计划搬迁人数 summed over the batch's villages), weak_orgs (软弱涣散 organizations in the ledger)
WITH
v AS (
    -- the import-time summary of the village snapshot in force
    SELECT * FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND relocation_batch IS NOT NULL
),
o AS (
    -- the import-time summary of the organizations snapshot in force
    SELECT * FROM org_summary
    WHERE as_of = snapshot_day('party_orgs', $as_of)
      AND in_townships(township, $township)
),
relocation AS (
    SELECT
        county,
        township,
        relocation_batch,
        sum(villages)::BIGINT AS relocation_villages,
        sum(planned_households)::BIGINT AS planned_households,
        sum(planned_people)::BIGINT AS planned_people,
        NULL::BIGINT AS weak_orgs
    FROM v GROUP BY county, township, relocation_batch
),
organizations AS (
    SELECT
        county,
        township,
        NULL::INTEGER AS relocation_batch,
        NULL::BIGINT AS relocation_villages,
        NULL::BIGINT AS planned_households,
        NULL::BIGINT AS planned_people,
        coalesce(sum(orgs) FILTER (WHERE weak_lax), 0)::BIGINT AS weak_orgs
    FROM o GROUP BY county, township
),
final AS (
    SELECT * FROM relocation
    UNION ALL BY NAME
    SELECT * FROM organizations
)
SELECT county, township, relocation_batch, relocation_villages, planned_households, planned_people, weak_orgs
FROM final
ORDER BY county, township, relocation_batch NULLS LAST
