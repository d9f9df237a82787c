-- How each township's relocation stands on the day shown: villages done, households moved, registrations, demolition and reclamation, subsidy and self-funding.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: one row per township with relocation villages: relocation_villages, villages_completed, villages_hukou, villages_reclaimed,
--          planned_households, planned_people, households, people, households_moved, people_moved, moved_percent, households_hukou,
--          rooms_demolished, homestead_m2 (vacated), reclaimed_m2, subsidy_10k, self_funded_10k (万元),
--          poor_households, poor_paying_nothing, poor_over_cap (poor households whose self-funding breaks the caps)
WITH
v AS (
    -- the import-time summary of the village snapshot in force (one row per township, batch, stage and flags)
    SELECT * FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
h AS (
    -- the import-time summary of the households snapshot in force (one row per village and batch)
    SELECT * FROM household_summary
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
funding AS (
    -- the poor households stating their self-funding, by household size and amount (the caps depend on those)
    SELECT * FROM poor_self_funding
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
village_side AS (
    SELECT
        township,
        sum(villages)::BIGINT AS relocation_villages,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status)), 0)::BIGINT AS villages_completed,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND hukou_transferred), 0)::BIGINT AS villages_hukou,
        coalesce(sum(villages) FILTER (WHERE is_reclaimed(relocation_status)), 0)::BIGINT AS villages_reclaimed,
        sum(planned_households)::BIGINT AS planned_households,
        sum(planned_people)::BIGINT AS planned_people
    FROM v GROUP BY township
),
household_side AS (
    SELECT
        township,
        sum(households)::BIGINT AS households,
        sum(people)::BIGINT AS people,
        sum(households_moved)::BIGINT AS households_moved,
        sum(people_moved)::BIGINT AS people_moved,
        sum(households_hukou)::BIGINT AS households_hukou,
        sum(rooms_demolished)::BIGINT AS rooms_demolished,
        sum(homestead_m2) AS homestead_m2,
        sum(homestead_reclaimed_m2) AS reclaimed_m2,
        sum(subsidy_yuan) / 10000 AS subsidy_10k,
        sum(self_funded_yuan) / 10000 AS self_funded_10k,
        sum(poor_households)::BIGINT AS poor_households,
        sum(poor_paying_nothing)::BIGINT AS poor_paying_nothing
    FROM h GROUP BY township
),
over_cap AS (
    SELECT
        township,
        sum(households)::BIGINT AS poor_over_cap
    FROM funding
    WHERE over_cap(self_funded_yuan, people)
    GROUP BY township
),
final AS (
    SELECT
        township,
        relocation_villages,
        villages_completed,
        villages_hukou,
        villages_reclaimed,
        planned_households,
        planned_people,
        coalesce(households, 0) AS households,
        coalesce(people, 0) AS people,
        coalesce(households_moved, 0) AS households_moved,
        coalesce(people_moved, 0) AS people_moved,
        CASE WHEN households > 0 THEN 100.0 * households_moved / households END AS moved_percent,
        coalesce(households_hukou, 0) AS households_hukou,
        coalesce(rooms_demolished, 0) AS rooms_demolished,
        coalesce(homestead_m2, 0) AS homestead_m2,
        coalesce(reclaimed_m2, 0) AS reclaimed_m2,
        coalesce(subsidy_10k, 0) AS subsidy_10k,
        coalesce(self_funded_10k, 0) AS self_funded_10k,
        coalesce(poor_households, 0) AS poor_households,
        coalesce(poor_paying_nothing, 0) AS poor_paying_nothing,
        coalesce(poor_over_cap, 0) AS poor_over_cap
    FROM village_side
    LEFT JOIN household_side USING (township)
    LEFT JOIN over_cap USING (township)
)
SELECT * FROM final
ORDER BY moved_percent DESC NULLS LAST, villages_completed DESC, township
