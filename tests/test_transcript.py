"""The transcript never shows a secret, even when it streams in across chunks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.agent.transcript import Transcript

SECRET = "sk-ant-SECRET-abcdef012345"


@settings(max_examples=200, deadline=None)
@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30),
       cuts=st.lists(st.integers(min_value=0, max_value=100), max_size=6))
def test_secret_split_across_chunks_is_redacted(tmp_path_factory: pytest.TempPathFactory,
                                                prefix: str, suffix: str, cuts: list[int]) -> None:
    import os

    os.environ["ANTHROPIC_API_KEY"] = SECRET
    try:
        text = prefix + SECRET + suffix
        points = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
        out = io.StringIO()
        log = tmp_path_factory.mktemp("t") / "role.log"
        t = Transcript(log, out)
        for a, b in zip(points, points[1:], strict=False):
            t.stream(text[a:b])
        t.done("end")
        shown = out.getvalue()
        assert SECRET not in shown and SECRET not in log.read_text()
        assert (prefix + "[redacted]" + suffix).replace(SECRET, "[redacted]") in shown
    finally:
        del os.environ["ANTHROPIC_API_KEY"]


def test_plain_text_streams_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    out = io.StringIO()
    t = Transcript(tmp_path / "r.log", out)
    t.stream("hello ")
    t.stream("world s")  # "s" could start the secret: held back until more arrives
    assert out.getvalue().endswith("hello world ")
    t.stream("o it goes")
    t.note("n")
    assert "hello world so it goes" in out.getvalue()
