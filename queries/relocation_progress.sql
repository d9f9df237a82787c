-- Relocation progress per batch at every snapshot up to the day shown: the page's cards, their weekly change, and households and people moved over time.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches)
-- returns: as_of DATE, indicator VARCHAR (villages_completed, hukou_transferred, demolished_reclaimed, households_moved, people_moved, homestead_reclaimed_m2), relocation_batch INTEGER, actual DOUBLE
WITH
village_rows AS (
    -- the import-time summary (one row per township, batch, stage and flags, and week), not every village
    SELECT * FROM village_summary
    WHERE as_of <= $as_of
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
household_rows AS (
    -- the import-time summary (one row per village, batch and week), not the whole ledger
    SELECT * FROM household_summary
    WHERE as_of <= $as_of
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
),
village_side AS (
    SELECT
        as_of,
        relocation_batch,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status)), 0)::BIGINT AS villages_completed,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND hukou_transferred), 0)::BIGINT AS hukou_transferred,
        coalesce(sum(villages) FILTER (WHERE is_reclaimed(relocation_status)), 0)::BIGINT AS demolished_reclaimed
    FROM village_rows
    GROUP BY as_of, relocation_batch
),
household_side AS (
    SELECT
        as_of,
        relocation_batch,
        sum(households_moved) AS households_moved,
        sum(people_moved)::BIGINT AS people_moved,
        sum(homestead_reclaimed_m2) AS homestead_reclaimed_m2
    FROM household_rows
    GROUP BY as_of, relocation_batch
),
final AS (
    UNPIVOT village_side ON villages_completed, hukou_transferred, demolished_reclaimed
        INTO NAME indicator VALUE actual
    UNION ALL BY NAME
    UNPIVOT household_side ON households_moved, people_moved, homestead_reclaimed_m2
        INTO NAME indicator VALUE actual
)
SELECT as_of, indicator, relocation_batch, actual::DOUBLE AS actual FROM final
ORDER BY indicator, relocation_batch, as_of
