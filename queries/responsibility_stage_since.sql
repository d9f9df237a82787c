-- Since when each relocation village and each weak party organisation has stood at the stage it is at on the day shown: the first weekly snapshot of its current run at that stage (the 督办清单's weeks without progress).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships)
-- returns: kind ('village' | 'org'), county, township, name, stage_since
-- Reads every weekly snapshot up to the day shown, so only the 督办清单 asks for it (not the briefing or the 红黑榜).
WITH
weeks AS (
    SELECT 'village' AS kind, county, township, village AS name, as_of,
           as_of = snapshot_day('villages', $as_of) AS in_force, relocation_stage(relocation_status) AS stage
    FROM villages
    WHERE as_of <= $as_of AND relocation_batch IS NOT NULL AND in_townships(township, $township)
    UNION ALL
    SELECT 'org', county, township, org_name, as_of,
           as_of = snapshot_day('party_orgs', $as_of), rectification_stage(rectification_status)
    FROM party_orgs
    WHERE as_of <= $as_of AND weak_lax AND in_townships(township, $township)
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
final AS (
    SELECT w.kind, w.county, w.township, w.name, min(w.as_of) AS stage_since
    FROM weeks w
    JOIN now n USING (kind, county, township, name)
    LEFT JOIN last_other o USING (kind, county, township, name)
    WHERE o.day IS NULL OR w.as_of > o.day
    GROUP BY ALL
)
SELECT * FROM final ORDER BY kind DESC, township, name
