-- The weak and lax party organizations (软弱涣散) on the day shown, with their rectification stage.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, org_name, org_type, members, rectification_status (NULL read as 未整顿), rectified_on;
--          least advanced stage first, then township and name
WITH
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = snapshot_day('party_orgs', $as_of)
      AND in_townships(township, $township)
),
final AS (
    SELECT
        township,
        org_name,
        org_type,
        members,
        rectification_stage(rectification_status) AS rectification_status,
        rectified_on
    FROM o
    WHERE weak_lax
)
SELECT * FROM final
ORDER BY rectification_order(rectification_status), township, org_name
