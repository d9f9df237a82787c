"""The data contract as code: the tables and their columns (`schema`), their Arrow form (`arrow`),
the county or region configuration (`county`), where things are (`paths`), how a cell's text is
folded (`cell_text`) and how numbers and days are written for readers (`formatting`: 万元, 户,
2017年10月13日)."""
