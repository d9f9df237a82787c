-- Joint party branches (联合党支部) of the completed relocation villages, per batch, in every snapshot up to the day shown: the cards' weekly change and pace.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches)
-- returns: as_of DATE, relocation_batch, completed (villages whose relocation is completed (macro is_completed)), joint_branches
--          (those of them with a joint branch; NULL read as none); a row per snapshot and batch with completed villages
WITH
v AS (
    -- the import-time summary (one row per township, batch, stage and flags, and week), not every village
    SELECT * FROM village_summary
    WHERE as_of <= $as_of
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
      AND is_completed(relocation_status)
),
final AS (
    SELECT
        as_of,
        relocation_batch,
        sum(villages)::BIGINT AS completed,
        coalesce(sum(villages) FILTER (WHERE joint_branch), 0)::BIGINT AS joint_branches
    FROM v
    GROUP BY as_of, relocation_batch
)
SELECT * FROM final ORDER BY as_of, relocation_batch
