-- household_modes: 搬迁户安置方式汇总（导入时生成）. One households snapshot counted per township, batch and resettlement mode (安置方式), for the modes chart.
-- Written at import beside each snapshot of `households`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `household_modes` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: households (one snapshot of it: the rows being imported)
-- params: (none)
-- columns (name, kind, label), in the order the query returns them:
--   county             county    县
--   township           township  乡镇
--   relocation_batch   batch     搬迁批次
--   resettlement_mode  text      安置方式  (NULL when the ledger leaves it empty)
--   households         int       户数
--   people             int       人数
SELECT
    county,
    township,
    relocation_batch,
    resettlement_mode,
    count(*) AS households,
    coalesce(sum(people), 0)::BIGINT AS people
FROM households
GROUP BY ALL
ORDER BY ALL
