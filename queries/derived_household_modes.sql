-- Pre-aggregation written at import: one households snapshot counted per township, batch and resettlement mode (安置方式), for the modes chart.
-- params: (none)
-- returns: county, township, relocation_batch, resettlement_mode (NULL when the ledger leaves it empty), households, people
--          (over the table `snapshot`, the rows being imported)
SELECT
    county,
    township,
    relocation_batch,
    resettlement_mode,
    count(*) AS households,
    coalesce(sum(people), 0)::BIGINT AS people
FROM snapshot
GROUP BY ALL
ORDER BY ALL
