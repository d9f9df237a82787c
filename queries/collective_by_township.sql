-- How each township stands on the village collective economy on the day shown: 破零 rate, income and PV capacity.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: one row per township with villages: villages, villages_past_zero (income > 0), villages_at_zero,
--          zero_break_rate DOUBLE (percent), income_10k (sum, 万元), income_per_village_10k (mean over the
--          villages past zero, 万元), pv_kw (sum), pv_villages; highest rate first
WITH
v AS (
    -- the import-time summary of the village snapshot in force (one row per township, batch, stage and flags)
    SELECT * FROM village_summary
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
),
per_township AS (
    SELECT
        township,
        sum(villages)::BIGINT AS villages,
        sum(villages_past_zero)::BIGINT AS villages_past_zero,
        sum(income_10k) AS income_10k,
        sum(income_past_zero_10k) / nullif(sum(villages_past_zero), 0) AS income_per_village_10k,
        sum(pv_kw) AS pv_kw,
        sum(pv_villages)::BIGINT AS pv_villages
    FROM v GROUP BY township
),
final AS (
    SELECT
        township,
        villages,
        villages_past_zero,
        villages - villages_past_zero AS villages_at_zero,
        zero_break_rate(villages_past_zero, villages) AS zero_break_rate,
        income_10k::DOUBLE AS income_10k,
        income_per_village_10k::DOUBLE AS income_per_village_10k,
        pv_kw::DOUBLE AS pv_kw,
        pv_villages
    FROM per_township
)
SELECT * FROM final ORDER BY zero_break_rate DESC, township
