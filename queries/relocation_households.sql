-- The households of one relocation village on the day shown, personal data masked (never the ID hash), with their self-funding cap.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $village_township (VARCHAR), $village (VARCHAR)
-- returns: household_id, head_name_masked, people, is_poor, resettlement_mode, resettled_at, moved_on, rooms_demolished, homestead_m2,
--          reclaimed, hukou_transferred, subsidy_yuan, self_funded_yuan, cap_yuan and over_cap (poor households only; NULL for others); by household_id
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
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
        CASE WHEN is_poor THEN self_funding_cap(people) END AS cap_yuan,
        CASE WHEN is_poor THEN coalesce(over_cap(self_funded_yuan, people), false) END AS over_cap
    FROM h
)
SELECT * FROM final ORDER BY household_id
