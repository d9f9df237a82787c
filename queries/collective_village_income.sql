-- Each village's collective income on the day shown, for the income distribution.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, village, collective_income_10k DOUBLE (万元; NULL when the ledger leaves it empty)
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'villages' AND as_of <= $as_of)
      AND (len($township) = 0 OR list_contains($township, township))
),
final AS (
    SELECT township, village, collective_income_10k::DOUBLE AS collective_income_10k FROM v
)
SELECT * FROM final ORDER BY township, village
