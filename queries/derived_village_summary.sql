-- Pre-aggregation written at import: one village snapshot counted per township, batch, stage and flags, so weekly series read hundreds of rows a week, not every village.
-- params: (none)
-- returns: county, township, township_as_of (the day the township's rows are from), relocation_batch, relocation_status, hukou_transferred, joint_branch, villages,
--          villages_past_zero (破零: macro past_zero), income_10k (sum), income_past_zero_10k (sum over the villages
--          past zero), pv_kw (sum), pv_villages (pv_kw > 0), planned_households, planned_people (sums)
--          (over the table `snapshot`)
SELECT
    county,
    township,
    township_as_of,
    relocation_batch,
    relocation_status,
    hukou_transferred,
    joint_branch,
    count(*) AS villages,
    count(*) FILTER (WHERE past_zero(collective_income_10k)) AS villages_past_zero,
    coalesce(sum(collective_income_10k), 0)::DOUBLE AS income_10k,
    coalesce(sum(collective_income_10k) FILTER (WHERE past_zero(collective_income_10k)), 0)::DOUBLE AS income_past_zero_10k,
    coalesce(sum(pv_kw), 0)::DOUBLE AS pv_kw,
    count(*) FILTER (WHERE pv_kw > 0) AS pv_villages,
    coalesce(sum(planned_households), 0)::BIGINT AS planned_households,
    coalesce(sum(planned_people), 0)::BIGINT AS planned_people
FROM snapshot
GROUP BY ALL
ORDER BY ALL
