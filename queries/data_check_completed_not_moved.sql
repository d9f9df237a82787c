-- Villages marked 已搬迁 (or later) on the day shown whose households in the household ledger have not all moved in.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches)
-- returns: township, village, relocation_batch, relocation_status, completed_on, households (in the ledger),
--          households_not_moved (no 入住日期, or one after the snapshot), people_not_moved
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND in_batch(relocation_batch, $batch)
      AND is_completed(relocation_status)
),
h AS (
    -- the import-time summary of the households snapshot in force (one row per village and batch)
    SELECT * FROM household_summary
    WHERE as_of = snapshot_day('households', $as_of)
),
final AS (
    SELECT
        v.township,
        v.village,
        v.relocation_batch,
        v.relocation_status,
        v.completed_on,
        sum(h.households)::BIGINT AS households,
        sum(h.households - h.households_moved)::BIGINT AS households_not_moved,
        sum(h.people - h.people_moved) AS people_not_moved
    FROM v JOIN h ON h.township = v.township AND h.village = v.village
    GROUP BY ALL
)
SELECT * FROM final WHERE households_not_moved > 0
ORDER BY households_not_moved DESC, township, village
