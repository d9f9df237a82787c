-- Pre-aggregation written at import: one village snapshot counted per township, batch, stage and flags, so weekly series read hundreds of rows a week, not every village.
-- params: (none)
-- returns: county, township, relocation_batch, relocation_status, hukou_transferred, joint_branch, villages,
--          villages_past_zero (collective income > 0), income_10k (sum), pv_kw (sum) (over the table `snapshot`)
SELECT
    county,
    township,
    relocation_batch,
    relocation_status,
    hukou_transferred,
    joint_branch,
    count(*) AS villages,
    count(*) FILTER (WHERE collective_income_10k > 0) AS villages_past_zero,
    coalesce(sum(collective_income_10k), 0)::DOUBLE AS income_10k,
    coalesce(sum(pv_kw), 0)::DOUBLE AS pv_kw
FROM snapshot
GROUP BY ALL
ORDER BY ALL
