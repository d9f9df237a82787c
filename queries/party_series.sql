-- Weak and lax organizations by rectification stage, and floating party members, in every snapshot up to the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: as_of DATE, weak_orgs, not_started (未整顿), rectifying (整顿中), rectified (已整顿), accepted (已验收),
--          floating_members (kept by the 流动党员党支部), floating_branches; oldest first
WITH
o AS (
    -- the import-time summary (one row per township, type, weak flag and stage, and week), not every organization
    SELECT * FROM org_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
),
final AS (
    SELECT
        as_of,
        coalesce(sum(orgs) FILTER (WHERE weak_lax), 0)::BIGINT AS weak_orgs,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND rectification_stage(rectification_status) = stage_not_started()), 0)::BIGINT AS not_started,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND rectification_status = stage_rectifying()), 0)::BIGINT AS rectifying,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND rectification_status = stage_rectified()), 0)::BIGINT AS rectified,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND rectification_status = stage_accepted()), 0)::BIGINT AS accepted,
        coalesce(sum(floating_members) FILTER (WHERE is_floating_branch(org_type)), 0)::BIGINT AS floating_members,
        coalesce(sum(orgs) FILTER (WHERE is_floating_branch(org_type)), 0)::BIGINT AS floating_branches
    FROM o GROUP BY as_of
)
SELECT * FROM final ORDER BY as_of
