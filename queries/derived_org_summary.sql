-- Pre-aggregation written at import: one party-organization snapshot counted per township, type, weak flag and rectification stage.
-- params: (none)
-- returns: county, township, township_as_of (the day the township's rows are from), org_type, weak_lax, rectification_status, orgs, floating_members (sum, NULL read as 0)
--          (over the table `snapshot`)
SELECT
    county,
    township,
    township_as_of,
    org_type,
    weak_lax,
    rectification_status,
    count(*) AS orgs,
    coalesce(sum(floating_members), 0)::BIGINT AS floating_members
FROM snapshot
GROUP BY ALL
ORDER BY ALL
