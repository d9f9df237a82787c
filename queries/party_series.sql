-- Weak and lax organizations by rectification stage, and floating party members, in every snapshot up to the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: as_of DATE, weak_orgs, not_started (未整顿), rectifying (整顿中), rectified (已整顿), accepted (已验收),
--          floating_members (kept by the 流动党员党支部), floating_branches; oldest first
WITH
o AS (
    SELECT * FROM party_orgs
    WHERE as_of <= $as_of AND (len($township) = 0 OR list_contains($township, township))
),
final AS (
    SELECT
        as_of,
        count(*) FILTER (WHERE weak_lax) AS weak_orgs,
        count(*) FILTER (WHERE weak_lax AND coalesce(rectification_status, '未整顿') = '未整顿') AS not_started,
        count(*) FILTER (WHERE weak_lax AND rectification_status = '整顿中') AS rectifying,
        count(*) FILTER (WHERE weak_lax AND rectification_status = '已整顿') AS rectified,
        count(*) FILTER (WHERE weak_lax AND rectification_status = '已验收') AS accepted,
        coalesce(sum(floating_members) FILTER (WHERE org_type = '流动党员党支部'), 0)::BIGINT AS floating_members,
        count(*) FILTER (WHERE org_type = '流动党员党支部') AS floating_branches
    FROM o GROUP BY as_of
)
SELECT * FROM final ORDER BY as_of
