-- What each poor relocated household pays itself on the day shown, against its cap (the lower of so much a person and so much a household).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: one row per household size and amount (a province has hundreds of thousands of poor households):
--          people, self_funded_yuan, cap_yuan, over_cap, households
WITH
h AS (
    SELECT * FROM households
    WHERE as_of = (SELECT max(as_of) FROM households WHERE as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
      AND is_poor
      AND self_funded_yuan IS NOT NULL
),
final AS (
    SELECT
        people,
        self_funded_yuan,
        least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) AS cap_yuan,
        self_funded_yuan > cap_yuan AS over_cap,
        count(*) AS households
    FROM h
    GROUP BY ALL
)
SELECT * FROM final ORDER BY people, self_funded_yuan
