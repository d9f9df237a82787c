-- The weak and lax party organizations (软弱涣散) on the day shown, with their rectification stage.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, org_name, org_type, members, rectification_status (NULL read as 未整顿), rectified_on;
--          least advanced stage first, then township and name
WITH
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'party_orgs' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
final AS (
    SELECT
        township,
        org_name,
        org_type,
        members,
        coalesce(rectification_status, '未整顿') AS rectification_status,
        rectified_on
    FROM o
    WHERE weak_lax
)
SELECT * FROM final
ORDER BY list_position(['未整顿', '整顿中', '已整顿', '已验收'], rectification_status), township, org_name
