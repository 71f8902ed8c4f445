"""Shared fixtures. torch is imported first: AppTest runs page scripts in this process."""

import pytest
import streamlit as st
import torch  # noqa: F401  (import before any AppTest script runs)

from app_pages.shared_figures import SHARED_FIGURES


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Caches outlive AppTest runs (streamlit #9139): every test starts with empty ones."""
    st.cache_data.clear()
    st.cache_resource.clear()
    SHARED_FIGURES.clear()
    yield
