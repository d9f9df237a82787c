-- The poor relocated households whose self-funding breaks their cap on the day shown: the list leaders act on.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: household_id, township, village, head_name_masked (masked), people, self_funded_yuan, cap_yuan, over_cap;
--          the largest excess first
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'households' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
      AND is_poor
      AND self_funded_yuan IS NOT NULL
),
final AS (
    SELECT
        household_id,
        township,
        village,
        head_name_masked,
        people,
        self_funded_yuan,
        least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) AS cap_yuan,
        self_funded_yuan > cap_yuan AS over_cap
    FROM h
)
SELECT * FROM final WHERE over_cap ORDER BY self_funded_yuan - cap_yuan DESC, household_id
