"""Importing exports, from a file's bytes to the snapshots the store lands.

`readers` opens a file into sheets; `header_names` folds a header and names its
column, `sheet_text` reads the header levels and the title, `headers` tells which
ledger a sheet is; `values` reads one cell; `body` finds the rows that hold
records, `columns` parses them column by column, `rows` applies the rules across
cells and rows, `parsed` holds what comes out (records, row errors); `personal`
hashes ID numbers and masks names; `checking` reads and checks each file, `parts`
and `coverage` work out what the import replaces, `shrink_guard` refuses a week
that shrinks, `importer` runs the whole transaction and `outcome` says what it
did; `import_report` tells the clerk, `upload_review` is the data page's dry run
and targets editor.
"""
