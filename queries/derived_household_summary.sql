-- Pre-aggregation written at import: one households snapshot summed per village and batch, so weekly series read thousands of rows, not millions.
-- params: $as_of (DATE, the snapshot being imported; a household has moved when moved_on <= it)
-- returns: county, township, township_as_of (the day the township's rows are from), village, relocation_batch, households, people, households_moved, people_moved,
--          homestead_m2, homestead_reclaimed_m2, rooms_demolished, households_hukou, subsidy_yuan, self_funded_yuan,
--          poor_households, poor_paying_nothing (over the table `snapshot`, the rows being imported)
SELECT
    county,
    township,
    township_as_of,
    village,
    relocation_batch,
    count(*) AS households,
    coalesce(sum(people), 0)::BIGINT AS people,
    count(*) FILTER (WHERE has_moved(moved_on, $as_of)) AS households_moved,
    coalesce(sum(people) FILTER (WHERE has_moved(moved_on, $as_of)), 0)::BIGINT AS people_moved,
    coalesce(sum(homestead_m2), 0)::DOUBLE AS homestead_m2,
    coalesce(sum(homestead_m2) FILTER (WHERE reclaimed), 0)::DOUBLE AS homestead_reclaimed_m2,
    coalesce(sum(rooms_demolished), 0)::BIGINT AS rooms_demolished,
    count(*) FILTER (WHERE hukou_transferred) AS households_hukou,
    coalesce(sum(subsidy_yuan), 0)::DOUBLE AS subsidy_yuan,
    coalesce(sum(self_funded_yuan), 0)::DOUBLE AS self_funded_yuan,
    count(*) FILTER (WHERE is_poor) AS poor_households,
    count(*) FILTER (WHERE is_poor AND self_funded_yuan = 0) AS poor_paying_nothing
FROM snapshot
GROUP BY ALL
ORDER BY ALL
