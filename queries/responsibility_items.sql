-- Every item of the 包保责任台账 in force on the day shown (a relocation village or a weak party organisation): who answers for it, its 倒排工期, and the stage it stands at in the village or party ledger in force.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER or NULL: the relocation villages of that batch and every organisation; NULL = all)
-- returns: kind ('village' | 'org'), county, township, name, relocation_batch (villages), leader, leader_title, lead_department, task_force_head, funds_10k, plan_mobilised_on, plan_move_start_on, plan_moved_on, plan_reclaimed_on, plan_rectified_on, stage (NULL: the ledger in force does not list it), completed (已搬迁 or later / rectified)
-- The rules on these facts (the stage the plan asks for, days behind, status) are tracker/rules/responsibility.py; since when each item has stood at its stage is responsibility_stage_since.
WITH
plan AS (
    SELECT CASE WHEN village IS NOT NULL THEN 'village' ELSE 'org' END AS kind,
           coalesce(village, org_name) AS name, *
    FROM responsibilities
    WHERE as_of = snapshot_day('responsibilities', $as_of) AND in_townships(township, $township)
),
now AS (
    SELECT 'village' AS kind, county, township, village AS name, relocation_batch,
           relocation_stage(relocation_status) AS stage, is_completed(relocation_status) AS completed
    FROM villages
    WHERE as_of = snapshot_day('villages', $as_of) AND relocation_batch IS NOT NULL
      AND in_townships(township, $township)
    UNION ALL
    SELECT 'org', county, township, org_name, NULL::INTEGER,
           rectification_stage(rectification_status), is_rectified(rectification_status)
    FROM party_orgs
    WHERE as_of = snapshot_day('party_orgs', $as_of) AND weak_lax AND in_townships(township, $township)
),
final AS (
    SELECT p.kind, p.county, p.township, p.name, n.relocation_batch,
           p.leader, p.leader_title, p.lead_department, p.task_force_head, p.funds_10k,
           p.plan_mobilised_on, p.plan_move_start_on, p.plan_moved_on, p.plan_reclaimed_on, p.plan_rectified_on,
           n.stage, n.completed
    FROM plan p
    LEFT JOIN now n USING (kind, county, township, name)
    WHERE p.kind = 'org' OR in_batch(n.relocation_batch, $batch)
)
SELECT * FROM final ORDER BY kind DESC, township, name
