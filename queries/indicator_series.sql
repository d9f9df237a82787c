-- Indicator actuals for every snapshot up to the day shown: the overview cards, their weekly change and pace.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county), $batch (INTEGER; NULL = all batches)
-- returns: as_of DATE, indicator VARCHAR, relocation_batch INTEGER (NULL where batches do not apply), actual DOUBLE
WITH
village_rows AS (
    -- the import-time summary (one row per township, batch, stage and flags, and week), not every village
    SELECT * FROM village_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
),
household_rows AS (
    -- the import-time summary (one row per village, batch and week), not the 13-million-row ledger
    SELECT * FROM household_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
),
relocation_villages AS (
    SELECT
        as_of,
        relocation_batch,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status)), 0)::BIGINT AS villages_completed,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND hukou_transferred), 0)::BIGINT AS hukou_transferred,
        coalesce(sum(villages) FILTER (WHERE is_completed(relocation_status) AND joint_branch), 0)::BIGINT AS joint_branches,
        coalesce(sum(villages) FILTER (WHERE is_reclaimed(relocation_status)), 0)::BIGINT AS demolished_reclaimed
    FROM village_rows
    WHERE in_relocation_batch(relocation_batch, $batch)
    GROUP BY as_of, relocation_batch
),
relocation_households AS (
    SELECT
        as_of,
        relocation_batch,
        sum(households_moved) AS households_moved,
        sum(people_moved) AS people_moved,
        sum(homestead_reclaimed_m2) AS homestead_reclaimed_m2
    FROM household_rows
    WHERE in_relocation_batch(relocation_batch, $batch)
    GROUP BY as_of, relocation_batch
),
zero_break AS (
    SELECT as_of, zero_break_rate(sum(villages_past_zero)::BIGINT, sum(villages)::BIGINT) AS zero_break_rate
    FROM village_rows
    GROUP BY as_of
),
weak_orgs AS (
    SELECT as_of, coalesce(sum(orgs) FILTER (WHERE weak_lax AND is_rectified(rectification_status)), 0)::BIGINT AS weak_orgs_rectified
    FROM org_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
    GROUP BY as_of
),
fund_totals AS (
    SELECT as_of, sum(amount_10k) AS funds_10k
    FROM fund_summary
    WHERE as_of <= $as_of AND in_townships(township, $township)
    GROUP BY as_of
),
final AS (
    UNPIVOT relocation_villages ON villages_completed, hukou_transferred, joint_branches, demolished_reclaimed
        INTO NAME indicator VALUE actual
    UNION ALL BY NAME
    UNPIVOT relocation_households ON households_moved, people_moved, homestead_reclaimed_m2
        INTO NAME indicator VALUE actual
    UNION ALL BY NAME
    SELECT as_of, NULL::INTEGER AS relocation_batch, 'zero_break_rate' AS indicator, zero_break_rate AS actual FROM zero_break
    UNION ALL BY NAME
    SELECT as_of, NULL::INTEGER AS relocation_batch, 'weak_orgs_rectified' AS indicator, weak_orgs_rectified AS actual FROM weak_orgs
    UNION ALL BY NAME
    SELECT as_of, NULL::INTEGER AS relocation_batch, 'funds_10k' AS indicator, funds_10k AS actual FROM fund_totals
)
SELECT as_of, indicator, relocation_batch, actual::DOUBLE AS actual FROM final
ORDER BY indicator, relocation_batch, as_of
