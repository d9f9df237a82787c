-- Households on the day shown whose township and village are not in the village ledger in force (checked only once that ledger exists).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, village (as the household ledger writes it), households, people, batches (e.g. '1、2')
WITH
v AS (
    SELECT township, village FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
),
h AS (
    -- the import-time summary of the households snapshot in force (one row per village and batch)
    SELECT * FROM household_summary
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
),
final AS (
    SELECT
        h.township,
        h.village,
        sum(h.households)::BIGINT AS households,
        sum(h.people) AS people,
        string_agg(DISTINCT h.relocation_batch::VARCHAR, '、' ORDER BY h.relocation_batch::VARCHAR) AS batches
    FROM h ANTI JOIN v ON h.township = v.township AND h.village = v.village
    WHERE EXISTS (SELECT 1 FROM v)
    GROUP BY ALL
)
SELECT * FROM final ORDER BY households DESC, township, village
