-- 破零 rate, collective income and PV capacity in every snapshot up to the day shown: the trend charts and weekly change.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: as_of DATE, villages, villages_past_zero, zero_break_rate DOUBLE (percent), income_10k (万元), pv_kw; oldest first
WITH
v AS (
    -- the import-time summary (one row per township, batch, stage and flags, and week), not every village
    SELECT * FROM village_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
),
final AS (
    SELECT
        as_of,
        sum(villages)::BIGINT AS villages,
        sum(villages_past_zero)::BIGINT AS villages_past_zero,
        zero_break_rate(sum(villages_past_zero)::BIGINT, sum(villages)::BIGINT) AS zero_break_rate,
        coalesce(sum(income_10k), 0)::DOUBLE AS income_10k,
        coalesce(sum(pv_kw), 0)::DOUBLE AS pv_kw
    FROM v GROUP BY as_of
)
SELECT * FROM final ORDER BY as_of
