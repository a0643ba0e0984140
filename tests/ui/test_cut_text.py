"""CutText (the status bar): at most N lines at any width; what does not fit ends in "…" and
what is shown is the text's own start, wrapped as Rich wraps it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from tradegame.ui.widgets.common import CutText

WORDS = st.sampled_from(["US", "made", "a", "counter-offer", "(space", "pauses)", "…", "·", "ÉU"])
LINES = st.lists(st.lists(WORDS, min_size=0, max_size=14).map(" ".join), min_size=1, max_size=4)


def _shown(text: Text, lines: int, width: int) -> list[str]:
    console = Console(width=width)
    drawn = console.render_lines(CutText(text, lines), console.options, pad=False)
    return ["".join(segment.text for segment in line) for line in drawn]


@settings(max_examples=300, deadline=None)
@given(LINES, st.integers(1, 4), st.integers(4, 60))
def test_cut_text_is_the_texts_start_in_its_lines(paras: list[str], lines: int, width: int) -> None:
    text = Text("\n".join(paras), overflow="fold")
    wrapped = [line.plain.rstrip() for line in text.wrap(Console(width=width), width)]
    shown = [line.rstrip() for line in _shown(text, lines, width)]
    if len(wrapped) <= lines:
        assert shown == wrapped
        return
    assert len(shown) == lines
    assert shown[:-1] == wrapped[: lines - 1]
    assert shown[-1].endswith("…") and len(shown[-1]) <= width
    # The cut line runs on into the rest of its paragraph as far as the width allows.
    console = Console(width=width)
    rest: list[str] = []
    for para in text.split("\n", allow_blank=True):
        rest.extend(line.plain for line in para.wrap(console, width))
        if len(rest) >= lines:
            rest = rest[lines - 1 :]
            break
    after = " ".join(" ".join(rest).split())
    start = " ".join(shown[-1][:-1].split())
    assert after.startswith(start), (start, after)
    assert len(start) >= min(len(after), width - 1) - 1, (start, after)
