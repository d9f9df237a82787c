-- Every item of the 包保责任台账 in force on the day shown (a relocation village or a weak party organisation), who answers for it, its 倒排工期, the stage it stands at and the first weekly snapshot of its current run at that stage.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER or NULL: the relocation villages of that batch and every organisation; NULL = all)
-- returns: kind ('village' | 'org'), county, township, name, relocation_batch (villages), leader, leader_title, lead_department, task_force_head, funds_10k, plan_mobilised_on, plan_move_start_on, plan_moved_on, plan_reclaimed_on, plan_rectified_on, stage (NULL: the ledger in force does not list it), completed (已搬迁 or later / rectified), stage_since (the earliest snapshot day from which every snapshot up to the day shown has it at this stage)
-- The rules on these facts (the stage the plan asks for, days behind, weeks without progress) are tracker/rules/responsibility.py.
WITH
plan AS (
    SELECT * FROM responsibilities
    WHERE as_of = snapshot_day('responsibilities', $as_of) AND in_townships(township, $township)
),
village_weeks AS (
    -- each relocation village's stage on every village snapshot up to the day shown
    SELECT 'village' AS kind, county, township, village AS name, as_of,
           as_of = snapshot_day('villages', $as_of) AS in_force, relocation_batch,
           relocation_stage(relocation_status) AS stage, is_completed(relocation_status) AS completed
    FROM villages
    WHERE as_of <= $as_of AND relocation_batch IS NOT NULL AND in_townships(township, $township)
),
org_weeks AS (
    SELECT 'org', county, township, org_name, as_of,
           as_of = snapshot_day('party_orgs', $as_of), NULL::INTEGER,
           rectification_stage(rectification_status), is_rectified(rectification_status)
    FROM party_orgs
    WHERE as_of <= $as_of AND weak_lax AND in_townships(township, $township)
),
weeks AS (
    SELECT * FROM village_weeks UNION ALL SELECT * FROM org_weeks
),
now AS (
    SELECT * FROM weeks WHERE in_force
),
last_other AS (
    -- the last snapshot at which the item stood at another stage than it does now
    SELECT w.kind, w.county, w.township, w.name, max(w.as_of) AS day
    FROM weeks w JOIN now n USING (kind, county, township, name)
    WHERE w.stage <> n.stage
    GROUP BY ALL
),
since AS (
    SELECT w.kind, w.county, w.township, w.name, min(w.as_of) AS stage_since
    FROM weeks w
    JOIN now n USING (kind, county, township, name)
    LEFT JOIN last_other o USING (kind, county, township, name)
    WHERE o.day IS NULL OR w.as_of > o.day
    GROUP BY ALL
),
items AS (
    SELECT CASE WHEN village IS NOT NULL THEN 'village' ELSE 'org' END AS kind,
           coalesce(village, org_name) AS name, *
    FROM plan
),
final AS (
    SELECT i.kind, i.county, i.township, i.name, n.relocation_batch,
           i.leader, i.leader_title, i.lead_department, i.task_force_head, i.funds_10k,
           i.plan_mobilised_on, i.plan_move_start_on, i.plan_moved_on, i.plan_reclaimed_on, i.plan_rectified_on,
           n.stage, n.completed, s.stage_since
    FROM items i
    LEFT JOIN now n USING (kind, county, township, name)
    LEFT JOIN since s USING (kind, county, township, name)
    WHERE i.kind = 'org' OR in_batch(n.relocation_batch, $batch)
)
SELECT * FROM final ORDER BY kind DESC, township, name
