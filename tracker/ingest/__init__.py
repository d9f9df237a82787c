"""Importing exports, from a file's bytes to the snapshots the store lands.

`readers` opens a file into sheets; `headers` finds the header and the ledger it
is; `values` reads one cell; `rows` turns a sheet's rows into records or row
errors; `personal` hashes ID numbers and masks names; `coverage` merges what the
files cover with the snapshot in force; `shrink_guard` refuses a week that
shrinks; `importer` runs the whole transaction; `import_report` tells the clerk
what happened; `upload_review` is the data page's before-and-after of an upload.
"""
