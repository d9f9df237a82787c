"""The floor: what a Streamlit page costs this machine's browser before any of the dashboard's work.

Served by bench/browser_speed.py --floor and timed exactly like the dashboard's pages (from a link
in a browser that has the app cached, until drawn). `?kind=` chooses what the page holds besides
a title and one line of text:

- `text`: nothing more (Streamlit's own start in a new tab: its JavaScript, the websocket, a run);
- `figure`: one plotly bar chart of 13 bars, as a township ranking (adds plotly.js's start in the
  tab and one figure drawn);
- `figures3`: three such charts (what more figures add);
- `grid`: one 13-row data grid (adds the data grid's module and one table drawn).
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

kind = st.query_params.get("kind", "text")
st.title("底线")
st.write("一个只有标题和一行字的页面。")
bars = go.Figure(go.Bar(x=[f"乡镇{i}" for i in range(13)], y=list(range(13))))
for n in range({"figure": 1, "figures3": 3}.get(kind, 0)):
    st.plotly_chart(bars, width="stretch", key=f"chart_{n}")
if kind == "grid":
    st.dataframe(pd.DataFrame({"乡镇": [f"乡镇{i}" for i in range(13)], "村数": range(13)}), hide_index=True)
