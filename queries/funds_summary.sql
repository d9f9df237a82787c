-- The funds ledger in force on the day shown, in one row: its snapshot day, allocations, total and reach.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county, county-level allocations included)
-- returns: one row (none when no funds snapshot is on or before $as_of): as_of DATE (the snapshot), allocations,
--          amount_10k (万元, two decimals), sources, townships, villages, undated_10k (万元 with no 拨付日期)
WITH
allocations AS (
    SELECT funds.*
    FROM funds
    WHERE as_of = snapshot_day('funds', $as_of) AND in_townships(funds.township, $township)
),
final AS (
    SELECT
        snapshot_day('funds', $as_of) AS as_of,
        count(*) AS allocations,
        round(coalesce(sum(amount_10k), 0), 2) AS amount_10k,
        count(DISTINCT source) AS sources,
        count(DISTINCT township) AS townships,
        count(DISTINCT (township, village)) FILTER (WHERE village IS NOT NULL) AS villages,
        round(coalesce(sum(amount_10k) FILTER (WHERE allocated_on IS NULL), 0), 2) AS undated_10k
    FROM allocations
)
SELECT * FROM final WHERE as_of IS NOT NULL
