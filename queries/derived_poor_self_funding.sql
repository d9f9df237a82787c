-- Pre-aggregation written at import: the poor households of one households snapshot that state their self-funding, counted per township, batch, household size and amount (the caps depend on those two only).
-- params: (none)
-- returns: county, township, relocation_batch, people, self_funded_yuan, households (over the table `snapshot`)
SELECT
    county,
    township,
    relocation_batch,
    people,
    self_funded_yuan,
    count(*) AS households
FROM snapshot
WHERE is_poor AND self_funded_yuan IS NOT NULL
GROUP BY ALL
ORDER BY ALL
