-- Every allocation in the funds ledger in force on the day shown, newest first: the downloadable detail.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: allocated_on, source, township ('县级统筹' when none), village, purpose, amount_10k (万元, two decimals)
WITH
final AS (
    SELECT
        allocated_on,
        source,
        coalesce(township, '县级统筹') AS township,
        coalesce(village, '') AS village,
        coalesce(purpose, '') AS purpose,
        round(amount_10k, 2) AS amount_10k
    FROM funds
    WHERE as_of = snapshot_day('funds', $as_of) AND in_townships(funds.township, $township)
)
SELECT * FROM final ORDER BY allocated_on DESC NULLS LAST, source, township, village, amount_10k DESC
