-- Every import that landed, newest first: which file (and sheet) became which snapshot, and how many rows.
-- params: (none)
-- returns: imported_at TIMESTAMPTZ, file, sheet, table_name, as_of, rows_accepted, rows_rejected,
--          rows_totals_dropped, sha256 (the file's fingerprint, first 12 hex digits)
WITH
final AS (
    SELECT
        imported_at,
        file,
        coalesce(sheet, '') AS sheet,
        table_name,
        as_of,
        rows_accepted,
        rows_rejected,
        rows_totals_dropped,
        left(sha256, 12) AS sha256
    FROM import_log
)
SELECT * FROM final ORDER BY imported_at DESC, as_of DESC, table_name, file, sheet
