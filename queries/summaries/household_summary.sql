-- household_summary: 搬迁户汇总（导入时生成）. One households snapshot summed per village and batch, so weekly series read thousands of rows, not millions.
-- Written at import beside each snapshot of `households`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `household_summary` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: households (one snapshot of it: the rows being imported)
-- params: $as_of (DATE, the snapshot being imported; a household has moved when moved_on <= it)
-- columns (name, kind, label), in the order the query returns them:
--   county                  county    县
--   township                township  乡镇
--   township_as_of          date      数据截至  (the day the township's rows are from)
--   village                 text      村名
--   relocation_batch        batch     搬迁批次
--   households              int       户数
--   people                  int       人数
--   households_moved        int       已入住户数
--   people_moved            int       已入住人数
--   homestead_m2            decimal   腾退面积
--   homestead_reclaimed_m2  decimal   已复垦面积
--   rooms_demolished        int       拆除间数
--   households_hukou        int       户籍已迁移户数
--   subsidy_yuan            decimal   奖补资金
--   self_funded_yuan        decimal   自筹资金
--   poor_households         int       贫困户数
--   poor_paying_nothing     int       零自筹贫困户数
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
FROM households
GROUP BY ALL
ORDER BY ALL
