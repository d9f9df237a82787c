-- village_summary: 村级台账汇总（导入时生成）. One village snapshot counted per township, batch, stage and flags, so weekly series read hundreds of rows a week, not every village.
-- Written at import beside each snapshot of `villages`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `village_summary` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: villages (one snapshot of it: the rows being imported)
-- params: (none)
-- columns (name, kind, label), in the order the query returns them:
--   county                county    县
--   township              township  乡镇
--   township_as_of        date      数据截至  (the day the township's rows are from)
--   relocation_batch      batch     搬迁批次
--   relocation_status     text      搬迁进度
--   hukou_transferred     bool      户籍已迁移
--   joint_branch          bool      联合党支部
--   villages              int       村数
--   villages_past_zero    int       破零村数  (破零: macro past_zero)
--   income_10k            decimal   集体经济收入
--   income_past_zero_10k  decimal   已破零村集体经济收入  (sum over the villages past zero)
--   pv_kw                 decimal   光伏装机
--   pv_villages           int       有光伏电站的村数  (pv_kw > 0)
--   planned_households    int       计划搬迁户数
--   planned_people        int       计划搬迁人数
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
FROM villages
GROUP BY ALL
ORDER BY ALL
