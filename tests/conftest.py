"""Shared fixtures. torch is imported first: AppTest runs page scripts in this process."""

import functools

import pytest
import streamlit as st
import torch  # noqa: F401  (import before any AppTest script runs)
from streamlit.components.v2 import manifest_scanner

from app_pages.shared_figures import SHARED_FIGURES

# Each new AppTest looks for custom-component manifests in the metadata of every installed
# package: about 0.6 s, nine tenths of a Playground run, for a list that cannot change while the
# tests run. A server does it once at start; so does this process.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Caches outlive AppTest runs (streamlit #9139): every test starts with empty ones."""
    st.cache_data.clear()
    st.cache_resource.clear()
    SHARED_FIGURES.clear()
    yield
