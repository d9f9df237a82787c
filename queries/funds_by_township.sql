-- Where the funds in force on the day shown went: per township and source (县级统筹 = no township given).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county, county-level allocations included)
-- returns: township ('县级统筹' for allocations without one), source, allocations, amount_10k (万元, two
--          decimals), township_10k (the township's total over all sources); largest township first
WITH
allocations AS (
    SELECT funds.*
    FROM funds
    WHERE as_of = snapshot_day('funds', $as_of) AND in_townships(funds.township, $township)
),
by_place AS (
    SELECT coalesce(township, '县级统筹') AS township, source, count(*) AS allocations, sum(amount_10k) AS amount
    FROM allocations GROUP BY ALL
),
final AS (
    SELECT
        township,
        source,
        allocations,
        round(amount, 2) AS amount_10k,
        round(sum(amount) OVER (PARTITION BY township), 2) AS township_10k
    FROM by_place
)
SELECT * FROM final ORDER BY township_10k DESC, township, amount_10k DESC, source
