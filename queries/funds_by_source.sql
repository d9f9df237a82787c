-- How the funds in force on the day shown divide by source (资金来源), with each source's share.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: source, allocations, amount_10k (万元, two decimals), share_percent; the contract's five
--          sources first in its order, then any others by amount
WITH
allocations AS (
    SELECT funds.*
    FROM funds
    WHERE as_of = snapshot_day('funds', $as_of) AND in_townships(funds.township, $township)
),
by_source AS (
    SELECT source, count(*) AS allocations, sum(amount_10k) AS amount
    FROM allocations GROUP BY source
),
final AS (
    SELECT
        source,
        allocations,
        round(amount, 2) AS amount_10k,
        CASE WHEN sum(amount) OVER () > 0 THEN round(100.0 * amount / sum(amount) OVER (), 1) END AS share_percent,
        list_position(['财政专项资金', '财政转贷资金', '脱贫双增长资金', '基础设施补助', '公共服务设施补助'], source) AS known_order
    FROM by_source
)
SELECT source, allocations, amount_10k, share_percent FROM final
ORDER BY known_order NULLS LAST, amount_10k DESC, source
