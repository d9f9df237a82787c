-- Completed relocation villages and whether each has a joint party branch (联合党支部), in the village snapshot in force on the day shown (party_joint_series counts earlier weeks).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches), $completed_stages (VARCHAR[]; from tracker.party.rule_params)
-- returns: as_of DATE (the village snapshot in force), in_force BOOLEAN (always true), township, village,
--          relocation_batch, relocation_status, completed_on, receiving_village, joint_branch BOOLEAN (NULL read as false);
--          only villages whose status is among $completed_stages
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'villages' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
      AND list_contains($completed_stages, relocation_status)
),
final AS (
    SELECT
        as_of,
        true AS in_force,
        township,
        village,
        relocation_batch,
        relocation_status,
        completed_on,
        receiving_village,
        coalesce(joint_branch, false) AS joint_branch
    FROM v
)
SELECT * FROM final ORDER BY as_of, relocation_batch, township, village
