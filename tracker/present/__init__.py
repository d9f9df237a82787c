"""How figures look: one style (`theme`), tables (`table_display`), and the plotly figures
(`charts`, shared; `*_charts`, one module per page). Numbers as leaders read them are
`tracker.contract.formatting`, below the rules that write them into sentences."""
