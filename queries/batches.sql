-- Which relocation batches the village ledger knows, for the batch filter.
-- params: (none)
-- returns: relocation_batch INTEGER, ascending (read from the import-time village summary, every snapshot)
SELECT DISTINCT relocation_batch FROM village_summary WHERE relocation_batch IS NOT NULL ORDER BY relocation_batch
