-- Funds integrated in every snapshot up to the day shown, read from the weekly rollups (tracker/province_layout.py): the funds page's card, its weekly change and pace (in place of the whole indicator_series).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: as_of DATE, indicator VARCHAR ('funds_10k'), relocation_batch INTEGER (NULL), actual DOUBLE; oldest first
WITH
final AS (
    SELECT as_of, 'funds_10k' AS indicator, NULL::INTEGER AS relocation_batch, sum(amount_10k)::DOUBLE AS actual
    FROM funds_weekly
    WHERE as_of <= $as_of AND (len($township) = 0 OR list_contains($township, township))
    GROUP BY as_of
)
SELECT * FROM final ORDER BY as_of
