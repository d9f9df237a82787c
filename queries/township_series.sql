-- Each township's weekly series of the indicators its bars and table rows are coloured by: the status of each township against its own target (assigned or worked out from its ledgers) needs its own pace.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: as_of DATE, township VARCHAR, indicator VARCHAR (villages_completed, joint_branches, households_moved, people_moved per batch;
--          zero_break_rate and weak_orgs_rectified with relocation_batch NULL), relocation_batch INTEGER, actual DOUBLE
WITH
village_rows AS (
    SELECT * FROM village_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
),
relocation_villages AS (
    SELECT
        as_of,
        township,
        relocation_batch,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status)), 0)::BIGINT AS villages_completed,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND joint_branch), 0)::BIGINT AS joint_branches
    FROM village_rows
    WHERE in_relocation_batch(relocation_batch, $batch)
    GROUP BY as_of, township, relocation_batch
),
relocation_households AS (
    SELECT
        as_of,
        township,
        relocation_batch,
        sum(households_moved) AS households_moved,
        sum(people_moved) AS people_moved
    FROM household_summary
    WHERE as_of <= $as_of AND in_townships(township, $township) AND in_relocation_batch(relocation_batch, $batch)
    GROUP BY as_of, township, relocation_batch
),
zero_break AS (
    SELECT as_of, township, zero_break_rate(sum(villages_past_zero)::BIGINT, sum(villages)::BIGINT) AS zero_break_rate
    FROM village_rows
    GROUP BY as_of, township
),
weak_orgs AS (
    SELECT
        as_of,
        township,
        coalesce(sum(orgs) FILTER (WHERE weak_lax AND is_rectified(rectification_status)), 0)::BIGINT AS weak_orgs_rectified
    FROM org_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
    GROUP BY as_of, township
),
final AS (
    UNPIVOT relocation_villages ON villages_completed, joint_branches INTO NAME indicator VALUE actual
    UNION ALL BY NAME
    UNPIVOT relocation_households ON households_moved, people_moved INTO NAME indicator VALUE actual
    UNION ALL BY NAME
    SELECT as_of, township, NULL::INTEGER AS relocation_batch, 'zero_break_rate' AS indicator, zero_break_rate AS actual FROM zero_break
    UNION ALL BY NAME
    SELECT as_of, township, NULL::INTEGER AS relocation_batch, 'weak_orgs_rectified' AS indicator, weak_orgs_rectified AS actual FROM weak_orgs
)
SELECT as_of, township, indicator, relocation_batch, actual::DOUBLE AS actual FROM final
WHERE township IS NOT NULL
ORDER BY township, indicator, relocation_batch, as_of
