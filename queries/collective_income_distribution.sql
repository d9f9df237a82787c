-- How the villages' collective incomes are spread on the day shown, for the income bands: one row per income value.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: collective_income_10k DOUBLE (万元; NULL when the ledger leaves it empty), villages (with that income);
--          lowest first (a province has tens of thousands of villages but far fewer distinct incomes)
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
),
final AS (
    SELECT collective_income_10k::DOUBLE AS collective_income_10k, count(*) AS villages
    FROM v
    GROUP BY ALL
)
SELECT * FROM final ORDER BY collective_income_10k NULLS FIRST
