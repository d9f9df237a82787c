-- Completed relocation villages and whether each has a joint party branch (联合党支部), in the village snapshot in force on the day shown (party_joint_series counts earlier weeks).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches)
-- returns: as_of DATE (the village snapshot in force), in_force BOOLEAN (always true), township, village,
--          relocation_batch, relocation_status, completed_on, receiving_village, joint_branch BOOLEAN (NULL read as false);
--          only villages whose relocation is completed (macro is_completed)
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
      AND is_completed(relocation_status)
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
