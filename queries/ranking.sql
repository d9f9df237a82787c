-- How each township stands on the day shown (or, with $by_county, each county: a region view, where township names
-- repeat across counties): relocation progress, 破零 rate and weak-organization rectification.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $by_county (BOOLEAN; true = one row per county)
-- returns: one row per place (township, or county) that has villages: place, relocation villages/completed, households planned/moved,
--          people moved, percent of relocation households moved, villages, villages past 破零 and the rate,
--          weak organizations and how many are rectified
WITH
v AS (
    -- the import-time summary of the village snapshot in force
    SELECT * FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
),
h AS (
    -- the import-time summary of the households snapshot in force (one row per village and batch)
    SELECT * FROM household_summary
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
o AS (
    -- the import-time summary of the organizations snapshot in force
    SELECT * FROM org_summary
    WHERE as_of = snapshot_day('party_orgs', $as_of)
      AND in_townships(township, $township)
),
village_side AS (
    SELECT
        CASE WHEN $by_county THEN county ELSE township END AS place,
        sum(villages)::BIGINT AS villages,
        sum(villages_past_zero)::BIGINT AS villages_past_zero,
        coalesce(sum(villages) FILTER (WHERE in_relocation_batch(relocation_batch, $batch)), 0)::BIGINT AS relocation_villages,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND in_batch(relocation_batch, $batch)), 0)::BIGINT AS villages_completed
    FROM v GROUP BY place
),
household_side AS (
    SELECT
        CASE WHEN $by_county THEN county ELSE township END AS place,
        sum(households)::BIGINT AS households,
        sum(households_moved)::BIGINT AS households_moved,
        sum(people_moved) AS people_moved
    FROM h GROUP BY place
),
org_side AS (
    SELECT
        CASE WHEN $by_county THEN county ELSE township END AS place,
        coalesce(sum(orgs) FILTER (WHERE weak_lax), 0)::BIGINT AS weak_orgs,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND is_rectified(rectification_status)), 0)::BIGINT AS weak_orgs_rectified
    FROM o GROUP BY place
),
final AS (
    SELECT
        place,
        coalesce(relocation_villages, 0) AS relocation_villages,
        coalesce(villages_completed, 0) AS villages_completed,
        coalesce(households, 0) AS households,
        coalesce(households_moved, 0) AS households_moved,
        coalesce(people_moved, 0) AS people_moved,
        CASE WHEN households > 0 THEN 100.0 * households_moved / households END AS moved_percent,
        villages,
        villages_past_zero,
        zero_break_rate(villages_past_zero, villages) AS zero_break_rate,
        coalesce(weak_orgs, 0) AS weak_orgs,
        coalesce(weak_orgs_rectified, 0) AS weak_orgs_rectified
    FROM village_side
    LEFT JOIN household_side USING (place)
    LEFT JOIN org_side USING (place)
)
SELECT * FROM final
ORDER BY moved_percent DESC NULLS LAST, zero_break_rate DESC, place
