-- How each township stands on the day shown: relocation progress, 破零 rate and weak-organization rectification. (The snapshot in force is looked up in the <table>_days tables of tracker/province_layout.py, not by scanning every snapshot.)
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: one row per township that has villages: relocation villages/completed, households planned/moved,
--          people moved, percent of relocation households moved, villages, villages past 破零 and the rate,
--          weak organizations and how many are rectified
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM villages_days WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
h AS (
    SELECT * FROM households
    WHERE as_of = (SELECT max(as_of) FROM households_days WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
),
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = (SELECT max(as_of) FROM party_orgs_days WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
village_side AS (
    SELECT
        township,
        count(*) AS villages,
        count(*) FILTER (WHERE collective_income_10k > 0) AS villages_past_zero,
        count(*) FILTER (WHERE relocation_batch IS NOT NULL AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)) AS relocation_villages,
        count(*) FILTER (WHERE relocation_status IN ('已搬迁', '已拆除复垦', '已销号') AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)) AS villages_completed
    FROM v GROUP BY township
),
household_side AS (
    SELECT
        township,
        count(*) AS households,
        count(*) FILTER (WHERE moved_on IS NOT NULL AND moved_on <= as_of) AS households_moved,
        coalesce(sum(people) FILTER (WHERE moved_on IS NOT NULL AND moved_on <= as_of), 0) AS people_moved
    FROM h GROUP BY township
),
org_side AS (
    SELECT
        township,
        count(*) FILTER (WHERE weak_lax) AS weak_orgs,
        count(*) FILTER (WHERE weak_lax AND rectification_status IN ('已整顿', '已验收')) AS weak_orgs_rectified
    FROM o GROUP BY township
),
final AS (
    SELECT
        township,
        coalesce(relocation_villages, 0) AS relocation_villages,
        coalesce(villages_completed, 0) AS villages_completed,
        coalesce(households, 0) AS households,
        coalesce(households_moved, 0) AS households_moved,
        coalesce(people_moved, 0) AS people_moved,
        CASE WHEN households > 0 THEN 100.0 * households_moved / households END AS moved_percent,
        villages,
        villages_past_zero,
        100.0 * villages_past_zero / villages AS zero_break_rate,
        coalesce(weak_orgs, 0) AS weak_orgs,
        coalesce(weak_orgs_rectified, 0) AS weak_orgs_rectified
    FROM village_side
    LEFT JOIN household_side USING (township)
    LEFT JOIN org_side USING (township)
)
SELECT * FROM final
ORDER BY moved_percent DESC NULLS LAST, zero_break_rate DESC, township
