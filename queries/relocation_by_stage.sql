-- How many relocation villages of each township stand at each stage (未启动 … 已销号) on the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: township, relocation_status, villages, planned_households, planned_people; one row per township and stage present
WITH
v AS (
    -- the import-time summary of the village snapshot in force (one row per township, batch, stage and flags)
    SELECT * FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
final AS (
    SELECT
        township,
        relocation_stage(relocation_status) AS relocation_status,
        sum(villages)::BIGINT AS villages,
        sum(planned_households)::BIGINT AS planned_households,
        sum(planned_people)::BIGINT AS planned_people
    FROM v
    GROUP BY ALL
)
SELECT * FROM final ORDER BY township, relocation_status
