-- fund_summary: 资金台账汇总（导入时生成）. One funds snapshot summed per township (NULL = county-level allocations).
-- Written at import beside each snapshot of `funds`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `fund_summary` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: funds (one snapshot of it: the rows being imported)
-- params: (none)
-- columns (name, kind, label), in the order the query returns them:
--   county          county    县
--   township        township  乡镇  (NULL = county-level allocations)
--   township_as_of  date      数据截至  (the day the township's rows are from)
--   allocations     int       笔数
--   amount_10k      decimal   金额（万元）  (sum, 万元)
SELECT
    county,
    township,
    township_as_of,
    count(*) AS allocations,
    coalesce(sum(amount_10k), 0)::DOUBLE AS amount_10k
FROM funds
GROUP BY ALL
ORDER BY ALL
