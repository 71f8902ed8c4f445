"""Optimizer Playground: entry point. Configures the app and routes to the pages."""

import streamlit as st

st.set_page_config(page_title="Optimizer Playground", page_icon="⛰️", layout="wide")

pages = [
    st.Page(
        "pages/playground.py", title="Playground", icon=":material/sports_score:", default=True
    ),
    st.Page(
        "pages/autograd_lab.py",
        title="Autograd Lab",
        icon=":material/functions:",
        url_path="autograd_lab",
    ),
]
st.navigation(pages).run()
