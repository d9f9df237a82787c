-- Poor relocated households on the day shown counted by (people, self-funding): one point per distinct amount, for the self-funding-against-cap chart at province scale in place of one point per household (the households over their cap are listed by relocation_over_cap).
-- params: $as_of (DATE), $township (VARCHAR[]; empty = all townships), $batch (INTEGER; NULL = all batches), $cap_per_person (yuan a person), $cap_per_household (yuan a household)
-- returns: people, self_funded_yuan, cap_yuan, over_cap, households; households over their cap first
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
        people,
        self_funded_yuan,
        least($cap_per_person::DOUBLE * people, $cap_per_household::DOUBLE) AS cap_yuan,
        self_funded_yuan > cap_yuan AS over_cap,
        count(*) AS households
    FROM h
    GROUP BY ALL
)
SELECT * FROM final ORDER BY over_cap DESC, people, self_funded_yuan
