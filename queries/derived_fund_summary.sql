-- Pre-aggregation written at import: one funds snapshot summed per township (NULL = county-level allocations).
-- params: (none)
-- returns: county, township, township_as_of (the day the township's rows are from), allocations, amount_10k (sum, 万元) (over the table `snapshot`)
SELECT
    county,
    township,
    township_as_of,
    count(*) AS allocations,
    coalesce(sum(amount_10k), 0)::DOUBLE AS amount_10k
FROM snapshot
GROUP BY ALL
ORDER BY ALL
