-- poor_self_funding: 贫困户自筹资金汇总（导入时生成）. The poor households of one households snapshot that state their self-funding, counted per township, batch, household size and amount (the caps depend on those two only).
-- Written at import beside each snapshot of `households`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `poor_self_funding` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: households (one snapshot of it: the rows being imported)
-- params: (none)
-- columns (name, kind, label), in the order the query returns them:
--   county            county    县
--   township          township  乡镇
--   relocation_batch  batch     搬迁批次
--   people            int       人口数
--   self_funded_yuan  decimal   自筹资金
--   households        int       户数
SELECT
    county,
    township,
    relocation_batch,
    people,
    self_funded_yuan,
    count(*) AS households
FROM households
WHERE is_poor AND self_funded_yuan IS NOT NULL
GROUP BY ALL
ORDER BY ALL
