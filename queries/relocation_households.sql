-- The households of one relocation village on the day shown, personal data masked (never the ID hash), with their self-funding cap.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $village_township (VARCHAR), $village (VARCHAR), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: household_id, head_name_masked, people, is_poor, resettlement_mode, resettled_at, moved_on, rooms_demolished, homestead_m2,
--          reclaimed, hukou_transferred, subsidy_yuan, self_funded_yuan, cap_yuan and over_cap (poor households only; NULL for others); by household_id
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'households' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
      AND township = $village_township
      AND village = $village
),
final AS (
    SELECT
        household_id,
        head_name_masked,
        people,
        is_poor,
        resettlement_mode,
        resettled_at,
        moved_on,
        rooms_demolished,
        homestead_m2,
        reclaimed,
        hukou_transferred,
        subsidy_yuan,
        self_funded_yuan,
        CASE WHEN is_poor THEN least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) END AS cap_yuan,
        CASE WHEN is_poor THEN coalesce(self_funded_yuan > cap_yuan, false) END AS over_cap
    FROM h
)
SELECT * FROM final ORDER BY household_id
