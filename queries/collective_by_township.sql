-- How each township stands on the village collective economy on the day shown: 破零 rate, income and PV capacity.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: one row per township with villages: villages, villages_past_zero (income > 0), villages_at_zero,
--          zero_break_rate DOUBLE (percent), income_10k (sum, 万元), income_per_village_10k (mean over the
--          villages past zero, 万元), pv_kw (sum), pv_villages; highest rate first
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'villages' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
per_township AS (
    SELECT
        township,
        count(*) AS villages,
        count(*) FILTER (WHERE collective_income_10k > 0) AS villages_past_zero,
        coalesce(sum(collective_income_10k), 0) AS income_10k,
        avg(collective_income_10k) FILTER (WHERE collective_income_10k > 0) AS income_per_village_10k,
        coalesce(sum(pv_kw), 0) AS pv_kw,
        count(*) FILTER (WHERE pv_kw > 0) AS pv_villages
    FROM v GROUP BY township
),
final AS (
    SELECT
        township,
        villages,
        villages_past_zero,
        villages - villages_past_zero AS villages_at_zero,
        100.0 * villages_past_zero / villages AS zero_break_rate,
        income_10k::DOUBLE AS income_10k,
        income_per_village_10k::DOUBLE AS income_per_village_10k,
        pv_kw::DOUBLE AS pv_kw,
        pv_villages
    FROM per_township
)
SELECT * FROM final ORDER BY zero_break_rate DESC, township
