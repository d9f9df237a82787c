-- Where the relocated households of each township are resettled (县城集中安置 …) on the day shown: households and people per mode.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: township, resettlement_mode ('未填写' when the ledger leaves it empty), households, people
WITH
h AS (
    -- the import-time summary of the households snapshot in force (one row per township, batch and mode)
    SELECT * FROM household_modes
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
final AS (
    SELECT
        township,
        coalesce(resettlement_mode, '未填写') AS resettlement_mode,
        sum(households)::BIGINT AS households,
        coalesce(sum(people), 0)::BIGINT AS people
    FROM h
    GROUP BY ALL
)
SELECT * FROM final ORDER BY township, resettlement_mode
