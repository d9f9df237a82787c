-- The floating-member branches (流动党员党支部) on the day shown and the floating party members each keeps.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, org_name, members, floating_members (NULL read as 0); most members first
WITH
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = snapshot_day('party_orgs', $as_of)
      AND in_townships(township, $township)
),
final AS (
    SELECT township, org_name, members, coalesce(floating_members, 0) AS floating_members
    FROM o
    WHERE is_floating_branch(org_type)
)
SELECT * FROM final ORDER BY floating_members DESC, township
