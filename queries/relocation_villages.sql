-- Each relocation village on the day shown: its stage and plan, and what its households have done (moved, registered, demolished, reclaimed).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: one row per relocation village: township, village, relocation_batch, relocation_status, completed_on, receiving_village,
--          hukou_transferred (the village ledger's flag), planned_households, planned_people, households, people,
--          households_moved, people_moved, households_hukou, rooms_demolished, homestead_m2, reclaimed_m2
WITH
v AS (
    SELECT * FROM villages
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
household_side AS (
    SELECT
        township,
        village,
        sum(households)::BIGINT AS households,
        sum(people)::BIGINT AS people,
        sum(households_moved)::BIGINT AS households_moved,
        sum(people_moved)::BIGINT AS people_moved,
        sum(households_hukou)::BIGINT AS households_hukou,
        sum(rooms_demolished)::BIGINT AS rooms_demolished,
        sum(homestead_m2) AS homestead_m2,
        sum(homestead_reclaimed_m2) AS reclaimed_m2
    FROM h GROUP BY township, village
),
final AS (
    SELECT
        v.township,
        v.village,
        v.relocation_batch,
        v.relocation_status,
        v.completed_on,
        v.receiving_village,
        v.hukou_transferred,
        v.planned_households,
        v.planned_people,
        coalesce(s.households, 0) AS households,
        coalesce(s.people, 0) AS people,
        coalesce(s.households_moved, 0) AS households_moved,
        coalesce(s.people_moved, 0) AS people_moved,
        coalesce(s.households_hukou, 0) AS households_hukou,
        coalesce(s.rooms_demolished, 0) AS rooms_demolished,
        coalesce(s.homestead_m2, 0) AS homestead_m2,
        coalesce(s.reclaimed_m2, 0) AS reclaimed_m2
    FROM v LEFT JOIN household_side AS s USING (township, village)
)
SELECT * FROM final ORDER BY relocation_batch, township, village
