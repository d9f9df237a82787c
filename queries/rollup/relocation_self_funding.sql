-- What each poor relocated household pays itself on the day shown, against its cap (the lower of so much a person and so much a household). (The snapshot in force is looked up in the <table>_days tables of tracker/province_layout.py, not by scanning every snapshot.)
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: one row per poor household with a recorded self-funding: household_id, township, village, head_name_masked (masked), people,
--          self_funded_yuan, cap_yuan, over_cap; households over their cap first
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = (SELECT max(as_of) FROM households_days WHERE as_of <= $as_of)
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
SELECT * FROM final ORDER BY over_cap DESC, self_funded_yuan - cap_yuan DESC, household_id
