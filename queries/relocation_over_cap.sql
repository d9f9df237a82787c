-- The poor relocated households whose self-funding breaks their cap on the day shown: the list leaders act on.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: household_id, township, village, head_name_masked (masked), people, self_funded_yuan, cap_yuan, over_cap;
--          the largest excess first
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
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
        self_funding_cap(people) AS cap_yuan,
        over_cap(self_funded_yuan, people) AS over_cap
    FROM h
)
SELECT * FROM final WHERE over_cap ORDER BY self_funded_yuan - cap_yuan DESC, household_id
