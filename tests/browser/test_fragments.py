"""The Playground's inspector tab reruns alone: moving the inspector's step does not
rerun the sidebar, the race or the summary. Read from what the real server sends (protocol
client): a fragment's rerun sends only deltas of that fragment."""

from __future__ import annotations

from bench.load import drive
from core.text.i18n import text
from tests.protocol_client import StreamlitClient, widget_value


def test_moving_the_inspectors_step_reruns_only_the_inspector(server_url):
    async def work():
        async with StreamlitClient(server_url) as client:
            opened = await client.open("", "")
            assert opened.errors == [] and opened.chart is not None
            assert ("number_input", "") in opened.deltas  # a full run: no fragment
            inspector = await client.change("playground_tab", text("tab_inspector", "en"))
            assert inspector.errors == []
            (first,) = widget_value(inspector.widgets["inspect_t"])  # a slider: a list
            moved = await client.change("inspect_t", int(first) + 3)
            return inspector, moved

    inspector, moved = drive(work)
    # A tab change is a full run: the sidebar's Steps and the summary come again, in no fragment.
    assert ("number_input", "") in inspector.deltas and ("dataframe", "") in inspector.deltas
    # The step change: every delta belongs to one fragment, the inspector's own.
    assert moved.errors == [] and moved.done_s is not None
    fragments = {fragment for _, fragment in moved.deltas}
    assert len(fragments) == 1 and "" not in fragments, moved.deltas
    assert {"plotly_chart", "dataframe"} <= {what for what, _ in moved.deltas}
