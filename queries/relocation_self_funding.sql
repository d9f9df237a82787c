-- What each poor relocated household pays itself on the day shown, against its cap (the lower of so much a person and so much a household).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: one row per household size and amount (a province has hundreds of thousands of poor households):
--          people, self_funded_yuan, cap_yuan, over_cap, households
WITH
h AS (
    -- the import-time summary of the households snapshot in force: poor households by size and amount
    SELECT * FROM poor_self_funding
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'households' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
      AND relocation_batch IS NOT NULL
      AND ($batch::INTEGER IS NULL OR relocation_batch = $batch::INTEGER)
),
by_amount AS (
    SELECT people, self_funded_yuan, sum(households)::BIGINT AS households
    FROM h
    GROUP BY people, self_funded_yuan
),
final AS (
    SELECT
        people,
        self_funded_yuan,
        least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) AS cap_yuan,
        self_funded_yuan > cap_yuan AS over_cap,
        households
    FROM by_amount
)
SELECT * FROM final ORDER BY people, self_funded_yuan
