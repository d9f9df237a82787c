-- The targets in force on the day shown: the latest targets snapshot on or before it, else the earliest one.
-- params: $as_of (DATE)
-- returns: indicator, relocation_batch, county (NULL = region-wide), township (NULL = county-wide), target, due, label
WITH
final AS (
    SELECT indicator, relocation_batch, county, township, target, due, label
    FROM targets
    WHERE as_of = targets_day($as_of)
)
SELECT * FROM final ORDER BY indicator, relocation_batch, township
