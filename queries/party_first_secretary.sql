-- Each poor village with its own party branch and that branch's first secretary (第一书记) on the day shown.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $poverty_classes (VARCHAR[]; the village classes coverage counts, from tracker.party.rule_params)
-- returns: one row per village whose poverty_class is among $poverty_classes: township, village, poverty_class, relocation_batch, joint_branch, org_name (NULL when the party
--          ledger lists no branch of the village's own, e.g. merged into a joint branch after relocation),
--          first_secretary (NULL when none); by township, then village.
--          A village's own branch is the 村党支部 named after it (村名 + 党支部) in the same township;
--          each ledger is read at its own snapshot in force.
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'villages' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND list_contains($poverty_classes, poverty_class)
),
o AS (
    SELECT * FROM party_orgs
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'party_orgs' AND as_of <= $as_of)
      AND org_type = '村党支部'
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
