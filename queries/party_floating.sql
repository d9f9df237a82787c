-- The floating-member branches (流动党员党支部) on the day shown and the floating party members each keeps.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, org_name, members, floating_members (NULL read as 0); most members first
WITH
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'party_orgs' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
final AS (
    SELECT township, org_name, members, coalesce(floating_members, 0) AS floating_members
    FROM o
    WHERE org_type = '流动党员党支部'
)
SELECT * FROM final ORDER BY floating_members DESC, township
