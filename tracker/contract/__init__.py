"""The data contract as code: the tables and their columns (`schema`), their Arrow form (`arrow`),
the county or region configuration (`county`), and where things are (`paths`)."""
