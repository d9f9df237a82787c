-- org_summary: 党组织台账汇总（导入时生成）. One party-organization snapshot counted per township, type, weak flag and rectification stage.
-- Written at import beside each snapshot of `party_orgs`, in the same commit (tracker/store/summaries.py);
-- the store reader's view `org_summary` reads them all, one `as_of` per snapshot, limited to its scope.
-- reads: party_orgs (one snapshot of it: the rows being imported)
-- params: (none)
-- columns (name, kind, label), in the order the query returns them:
--   county                county    县
--   township              township  乡镇
--   township_as_of        date      数据截至  (the day the township's rows are from)
--   org_type              text      组织类型
--   weak_lax              bool      软弱涣散
--   rectification_status  text      整顿状态
--   orgs                  int       党组织数
--   floating_members      int       流动党员数  (sum, NULL read as 0)
SELECT
    county,
    township,
    township_as_of,
    org_type,
    weak_lax,
    rectification_status,
    count(*) AS orgs,
    coalesce(sum(floating_members), 0)::BIGINT AS floating_members
FROM party_orgs
GROUP BY ALL
ORDER BY ALL
