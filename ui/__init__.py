"""The Streamlit side shared by dashboard.py and the pages: filters, cached data, common widgets.

`tracker/` never imports streamlit; everything that does lives here or in a page.
"""
