-- Each poor village with its own party branch and that branch's first secretary (第一书记) on the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: one row per village of a class coverage counts (macro is_covered_class: tracker.rules.party.COVERED_CLASSES): township, village, poverty_class, relocation_batch, joint_branch, org_name (NULL when the party
--          ledger lists no branch of the village's own, e.g. merged into a joint branch after relocation),
--          first_secretary (NULL when none); by township, then village.
--          A village's own branch is the 村党支部 named after it (村名 + 党支部) in the same township;
--          each ledger is read at its own snapshot in force.
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
      AND is_covered_class(poverty_class)
),
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = snapshot_day('party_orgs', $as_of)
      AND is_village_branch(org_type)
),
final AS (
    SELECT
        v.township,
        v.village,
        v.poverty_class,
        v.relocation_batch,
        coalesce(v.joint_branch, false) AS joint_branch,
        o.org_name,
        nullif(trim(o.first_secretary), '') AS first_secretary
    FROM v
    LEFT JOIN o ON o.township = v.township AND o.org_name = v.village || '党支部'
)
SELECT * FROM final ORDER BY township, village
