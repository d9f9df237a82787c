-- Funds allocated month by month, and the running total, in the ledger in force on the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: month DATE (first day; every month from the first allocation to the last, none skipped),
--          allocations, amount_10k (万元 that month, two decimals), cumulative_10k (running total);
--          allocations without 拨付日期 are left out (funds_summary.undated_10k counts them)
WITH
allocations AS (
    SELECT funds.*, date_trunc('month', allocated_on)::DATE AS month
    FROM funds
    WHERE as_of = snapshot_day('funds', $as_of) AND in_townships(funds.township, $township) AND allocated_on IS NOT NULL
),
bounds AS (
    SELECT min(month) AS first_month, max(month) AS last_month FROM allocations
),
months AS (
    SELECT unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH))::DATE AS month
    FROM bounds WHERE first_month IS NOT NULL
),
by_month AS (
    SELECT month, count(*) AS allocations, sum(amount_10k) AS amount FROM allocations GROUP BY month
),
final AS (
    SELECT
        months.month,
        coalesce(by_month.allocations, 0) AS allocations,
        round(coalesce(by_month.amount, 0), 2) AS amount_10k,
        round(sum(coalesce(by_month.amount, 0)) OVER (ORDER BY months.month), 2) AS cumulative_10k
    FROM months LEFT JOIN by_month USING (month)
)
SELECT * FROM final ORDER BY month
