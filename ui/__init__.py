"""The Streamlit side shared by dashboard.py and the pages: the session, sign-in, cached data, filters, widgets.

`tracker/` never imports streamlit; everything that does lives here or in a page.
"""
