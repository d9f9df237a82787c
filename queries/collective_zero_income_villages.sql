-- The villages still at zero collective income on the day shown (not yet 破零): the list leaders act on.
-- params: $as_of (DATE), $township (VARCHAR[]; empty = whole county)
-- returns: township, village, poverty_class, relocation_batch, party_members, pv_kw,
--          collective_income_10k (0, or NULL when the ledger leaves it empty); by township, then village
WITH
v AS (
    SELECT * FROM villages
    WHERE as_of = snapshot_day('villages', $as_of)
      AND in_townships(township, $township)
),
final AS (
    SELECT township, village, poverty_class, relocation_batch, party_members, pv_kw, collective_income_10k
    FROM v
    WHERE NOT coalesce(collective_income_10k > 0, false)
)
SELECT * FROM final ORDER BY township, village
