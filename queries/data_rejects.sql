-- Rows left out of the snapshots in the store (imported with 只导入有效行), with why; ID numbers and names already redacted.
-- params: (none)
-- returns: table_name, as_of, file, sheet, row (as the clerk sees it in Excel), column, value, reason;
--          newest snapshot first
WITH
final AS (
    SELECT table_name, as_of, file, coalesce(sheet, '') AS sheet, "row", "column", value, reason
    FROM rejects
)
SELECT * FROM final ORDER BY as_of DESC, table_name, file, sheet, "row", "column"
