-- The weeks the 红黑榜 compares: the village snapshot in force on the day shown, and the one before it.
-- params: $as_of (DATE)
-- returns: this_week (NULL: no village ledger yet), last_week (NULL: none before it)
SELECT
    snapshot_day('villages', $as_of) AS this_week,
    snapshot_day('villages', snapshot_day('villages', $as_of) - 1) AS last_week
