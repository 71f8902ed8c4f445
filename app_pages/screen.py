"""How wide the page's main column is in the browser, so that a figure can pick its layout.

Streamlit tells the server nothing about the screen, and a Plotly figure cannot rearrange its
panels by itself. A tiny component measures the main column in the browser and reports only
whether it is narrower than a threshold: the first run draws the wide layout, and a phone (or a
window narrowed past the threshold) reruns the page once with the narrow one.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ data, setStateValue }) {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!main) return;
  let known = data.narrow;
  const report = () => {
    const style = getComputedStyle(main);
    const width = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const narrow = width > 0 && width < data.threshold;
    if (narrow !== known) {
      known = narrow;
      setStateValue("narrow", narrow);
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(main);
  report();
  return () => observer.disconnect();
}
"""

_width_probe = st.components.v2.component("main_column_width", js=_JS)


def main_column_is_narrow(threshold: int) -> bool:
    """True once the browser has reported a main column narrower than `threshold` pixels.

    Mounted in the sidebar, where its empty element adds no gap to the page.
    """
    narrow = bool(st.session_state.get("main_column_narrow", False))
    with st.sidebar:
        result = _width_probe(
            key="main_column_width",
            data={"threshold": threshold, "narrow": narrow},
            default={"narrow": narrow},
            on_narrow_change=lambda: None,
            height=0,
        )
    st.session_state.main_column_narrow = bool(result.narrow)
    return st.session_state.main_column_narrow
