-- Which relocation batches the village ledger knows, for the batch filter, read from the weekly rollups (tracker/province_layout.py).
-- params: (none)
-- returns: relocation_batch INTEGER, ascending
SELECT DISTINCT relocation_batch FROM villages_weekly WHERE relocation_batch IS NOT NULL ORDER BY relocation_batch
