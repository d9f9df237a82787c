-- How each township's relocation stands on the day shown: villages done, households moved, registrations, demolition and reclamation, subsidy and self-funding. (The snapshot in force is looked up in the <table>_days tables of tracker/province_layout.py, not by scanning every snapshot.)
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $completed_stages (VARCHAR[]), $reclaimed_stages (VARCHAR[]), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: one row per township with relocation villages: relocation_villages, villages_completed, villages_hukou, villages_reclaimed,
--          planned_households, planned_people, households, people, households_moved, people_moved, moved_percent, households_hukou,
--          rooms_demolished, homestead_m2 (vacated), reclaimed_m2, subsidy_10k, self_funded_10k (万元),
--          poor_households, poor_paying_nothing, poor_over_cap (poor households whose self-funding breaks the caps)
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM villages_days WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
),
h AS (
    SELECT *, least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) AS cap_yuan
    FROM households
    WHERE as_of = (SELECT max(as_of) FROM households_days WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
),
village_side AS (
    SELECT
        township,
        count(*) AS relocation_villages,
        count(*) FILTER (WHERE list_contains($completed_stages::VARCHAR[], relocation_status)) AS villages_completed,
        count(*) FILTER (WHERE list_contains($completed_stages::VARCHAR[], relocation_status) AND hukou_transferred) AS villages_hukou,
        count(*) FILTER (WHERE list_contains($reclaimed_stages::VARCHAR[], relocation_status)) AS villages_reclaimed,
        coalesce(sum(planned_households), 0)::BIGINT AS planned_households,
        coalesce(sum(planned_people), 0)::BIGINT AS planned_people
    FROM v GROUP BY township
),
household_side AS (
    SELECT
        township,
        count(*) AS households,
        sum(people)::BIGINT AS people,
        count(*) FILTER (WHERE moved_on IS NOT NULL AND moved_on <= as_of) AS households_moved,
        coalesce(sum(people) FILTER (WHERE moved_on IS NOT NULL AND moved_on <= as_of), 0)::BIGINT AS people_moved,
        count(*) FILTER (WHERE hukou_transferred) AS households_hukou,
        coalesce(sum(rooms_demolished), 0)::BIGINT AS rooms_demolished,
        coalesce(sum(homestead_m2), 0) AS homestead_m2,
        coalesce(sum(homestead_m2) FILTER (WHERE reclaimed), 0) AS reclaimed_m2,
        coalesce(sum(subsidy_yuan), 0) / 10000 AS subsidy_10k,
        coalesce(sum(self_funded_yuan), 0) / 10000 AS self_funded_10k,
        count(*) FILTER (WHERE is_poor) AS poor_households,
        count(*) FILTER (WHERE is_poor AND self_funded_yuan = 0) AS poor_paying_nothing,
        count(*) FILTER (WHERE is_poor AND self_funded_yuan > cap_yuan) AS poor_over_cap
    FROM h GROUP BY township
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
)
SELECT * FROM final
ORDER BY moved_percent DESC NULLS LAST, villages_completed DESC, township
