-- The targets in force on the day shown: the latest targets snapshot on or before it, else the earliest one.
-- params: $as_of (DATE)
-- returns: indicator, relocation_batch, county (NULL = region-wide), township (NULL = county-wide), target, due, label
WITH
chosen AS (
    SELECT coalesce(max(as_of) FILTER (WHERE as_of <= $as_of), min(as_of)) AS as_of
    FROM snapshot_days WHERE table_name = 'targets'
),
final AS (
    SELECT indicator, relocation_batch, county, township, target, due, label
    FROM targets JOIN chosen USING (as_of)
)
SELECT * FROM final ORDER BY indicator, relocation_batch, township
