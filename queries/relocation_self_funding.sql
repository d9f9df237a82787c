-- What each poor relocated household pays itself on the day shown, against its cap (the lower of so much a person and so much a household).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches)
-- returns: one row per household size and amount (a province has hundreds of thousands of poor households):
--          people, self_funded_yuan, cap_yuan, over_cap, households
WITH
h AS (
    -- the import-time summary of the households snapshot in force: poor households by size and amount
    SELECT * FROM poor_self_funding
    WHERE as_of = snapshot_day('households', $as_of)
      AND in_townships(township, $township)
      AND in_relocation_batch(relocation_batch, $batch)
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
        self_funding_cap(people) AS cap_yuan,
        over_cap(self_funded_yuan, people) AS over_cap,
        households
    FROM by_amount
)
SELECT * FROM final ORDER BY people, self_funded_yuan
