"""How figures look: numbers as leaders read them (`formatting`), one style (`theme`), tables
(`table_display`), and the plotly figures (`charts`, shared; `*_charts`, one module per page)."""
