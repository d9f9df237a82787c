-- Which relocation batches the village ledger knows, for the batch filter.
-- params: (none)
-- returns: relocation_batch INTEGER, ascending
SELECT DISTINCT relocation_batch FROM villages WHERE relocation_batch IS NOT NULL ORDER BY relocation_batch
