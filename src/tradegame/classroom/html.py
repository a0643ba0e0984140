"""One document, two renderings: a small block model written once and rendered as Markdown or
as a self-contained HTML page (inline CSS, inline SVG, no network).

A :class:`Doc` is a list of blocks — headings, paragraphs of inline Markdown, embedded Markdown
from a scenario file, tables, bullet lists and charts. :func:`to_markdown` and :func:`to_html`
render the same blocks, so the Markdown and HTML variants of a report or a briefing always hold
the same sections (the Markdown shows a chart as a table of its values).

Text that comes from a game or a scenario (log lines, names, ids) goes through :func:`t` before
it is placed in inline Markdown, so ``*``, ``|`` or ``<`` in it are shown, never interpreted.
Scenario Markdown is rendered with raw HTML disabled (it is escaped) and images replaced by
their description, so nothing in a scenario file can make a page load a resource.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tradegame.classroom.charts import (
    BarChart,
    Chart,
    bar_table,
    chart_table,
    render_bars_svg,
    render_svg,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45;
       color: #1b1b1b; background: #fff; }
h1 { font-size: 1.65rem; border-bottom: 2px solid #333; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #bbb;
     padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin-top: 1.5rem; }
h4 { font-size: 1rem; margin-top: 1.2rem; }
h5, h6 { font-size: .95rem; }
p, li { max-width: 52rem; }
table { border-collapse: collapse; margin: .5rem 0 1.1rem; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .22rem .5rem; vertical-align: top;
         text-align: left; overflow-wrap: break-word; }
th { background: #eef0f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; overflow-wrap: normal; }
table { max-width: 100%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .2rem 0; }
figure.chart { margin: .6rem 0 1.4rem; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #444; }
nav.toc { background: #f6f7f9; border: 1px solid #dde; padding: .4rem 1rem; }
nav.toc ol { margin: .3rem 0; }
.embedded { border-left: 3px solid #c9d3e3; padding-left: .9rem; margin: .4rem 0 1rem; }
.confidential { border: 2px solid #a33; color: #a33; font-weight: 700; padding: .3rem .6rem;
                display: inline-block; }
.muted { color: #555; font-size: .9rem; }
code { font-size: .88em; background: #f3f3f3; padding: 0 .2em; }
@page { margin: 1.5cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, figure.chart, .embedded { break-inside: avoid; page-break-inside: avoid; }
  .pagebreak { break-before: page; page-break-before: always; }
  th { background: #eee !important; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
}
"""

_MD_SPECIAL = re.compile(r"([\\`*<>|#]|\](?=[(\[:]))")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def t(value: Any) -> str:
    """Plain text for inline Markdown: special characters are escaped (shown as themselves)."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LONE_UNDERSCORE.sub(r"\\_", text)


def t_from_markdown(fragment: str) -> str:
    """Plain text for inline Markdown from a fragment of a scenario's Markdown (a sentence cut
    out of a briefing): its emphasis, links and code are read as the text they show, and any
    marker left unpaired by the cut (``**The Diet must ratify.`` ends before its ``**``) is
    dropped, so the reader never sees ``**`` or ``\\*``."""
    tokens = _markdown_it().parseInline(" ".join(fragment.split()))
    words: list[str] = []
    for tok in tokens:
        for child in tok.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    text = re.sub(r"\*{2,}|_{2,}", "", "".join(words))
    return t(text)


def esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def slug(text: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")
    return s or "section"


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # plain text
    anchor: str


@dataclass(frozen=True)
class Para:
    text: str  # inline Markdown
    css: str = ""


@dataclass(frozen=True)
class Embedded:
    markdown: str  # a scenario's Markdown (briefing), headings shifted down by ``shift``
    shift: int = 2


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # inline Markdown
    rows: tuple[tuple[str, ...], ...]  # inline Markdown
    numeric: tuple[bool, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]  # inline Markdown
    ordered: bool = False


@dataclass(frozen=True)
class ChartBlock:
    chart: Chart | BarChart


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Embedded | Table | Bullets | ChartBlock | PageBreak


@dataclass
class Doc:
    """A document: a title and blocks; the table of contents lists the level-2 headings.
    ``running``: a line printed at the top of every page (the role of a handout)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    toc: bool = True
    running: str = ""

    def h(self, level: int, text: str, anchor: str | None = None) -> None:
        self.blocks.append(Heading(level, text, anchor or slug(text)))

    def p(self, text: str, css: str = "") -> None:
        self.blocks.append(Para(text, css))

    def md(self, markdown: str, shift: int = 2) -> None:
        if markdown.strip():
            self.blocks.append(Embedded(markdown, shift))

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[str]],
        numeric: Sequence[bool] = (),
        caption: str = "",
    ) -> None:
        self.blocks.append(
            Table(tuple(headers), tuple(tuple(r) for r in rows), tuple(numeric), caption)
        )

    def bullets(self, items: Iterable[str], ordered: bool = False) -> None:
        items = tuple(items)
        if items:
            self.blocks.append(Bullets(items, ordered))

    def chart(self, chart: Chart | BarChart) -> None:
        self.blocks.append(ChartBlock(chart))

    def page_break(self) -> None:
        self.blocks.append(PageBreak())

    def headings(self, level: int | None = None) -> list[str]:
        return [
            b.text
            for b in self.blocks
            if isinstance(b, Heading) and (level is None or b.level == level)
        ]


# --------------------------------------------------------------------------- Markdown


def shift_headings(markdown: str, shift: int) -> str:
    """Move ATX headings down ``shift`` levels (at most 6), outside fenced code blocks."""
    out = []
    fence: str | None = None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        marker = stripped[:3]
        if marker in ("```", "~~~"):
            fence = None if fence == marker else (fence or marker)
        elif fence is None:
            m = re.match(r"^( {0,3})(#{1,6})(\s|$)", line)
            if m:
                level = min(6, len(m.group(2)) + shift)
                line = m.group(1) + "#" * level + line[m.end(2) :]
        out.append(line)
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("\\\\|", "\\|") or " "


def to_markdown(doc: Doc) -> str:
    parts: list[str] = [f"# {t(doc.title)}"]
    for b in doc.blocks:
        if isinstance(b, Heading):
            parts.append("#" * b.level + " " + t(b.text))
        elif isinstance(b, Para):
            parts.append(b.text)
        elif isinstance(b, Embedded):
            parts.append(shift_headings(b.markdown.strip(), b.shift))
        elif isinstance(b, Table):
            lines = []
            if b.caption:
                lines.append(f"**{b.caption}**")
                lines.append("")
            lines.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            aligns = [
                ("---:" if n < len(b.numeric) and b.numeric[n] else "---")
                for n in range(len(b.headers))
            ]
            lines.append("| " + " | ".join(aligns) + " |")
            for row in b.rows:
                lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            parts.append("\n".join(lines))
        elif isinstance(b, Bullets):
            parts.append(
                "\n".join(
                    f"{f'{n}.' if b.ordered else '-'} {' '.join(item.split())}"
                    for n, item in enumerate(b.items, 1)
                )
            )
        elif isinstance(b, ChartBlock):
            headers, rows, numeric = (
                bar_table(b.chart) if isinstance(b.chart, BarChart) else chart_table(b.chart)
            )
            caption = f"{b.chart.title} ({b.chart.unit}) — " + (
                "values by team" if isinstance(b.chart, BarChart) else "values by date"
            )
            parts.append(to_markdown_table(headers, rows, numeric, caption))
    return "\n\n".join(parts).rstrip() + "\n"


def to_markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool], caption: str
) -> str:
    d = Doc("")
    d.table(headers, rows, numeric, caption)
    return to_markdown(d).split("\n", 2)[2].rstrip()


# --------------------------------------------------------------------------- HTML


@cache
def _markdown_it() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")

    def image(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        # An image would be a resource to load: show its description instead.
        token = tokens[idx]
        alt = "".join(c.content for c in (token.children or [])) or token.content
        return f'<span class="muted">[image: {esc(alt)}]</span>'

    md.add_render_rule("image", image)
    return md


def inline_html(text: str) -> str:
    return str(_markdown_it().renderInline(text))


def markdown_html(markdown: str, shift: int = 0) -> str:
    md = _markdown_it()
    tokens = md.parse(markdown)
    if shift:
        for tok in tokens:
            if tok.type in ("heading_open", "heading_close"):
                level = min(6, int(tok.tag[1]) + shift)
                tok.tag = f"h{level}"
    return str(md.renderer.render(tokens, md.options, {}))


def _table_html(b: Table) -> str:
    out = ["<table>"]
    if b.caption:
        out.append(f"<caption>{inline_html(b.caption)}</caption>")

    def cls(n: int) -> str:
        return ' class="num"' if n < len(b.numeric) and b.numeric[n] else ""

    out.append(
        "<thead><tr>"
        + "".join(f"<th{cls(n)}>{inline_html(h)}</th>" for n, h in enumerate(b.headers))
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for row in b.rows:
        out.append(
            "<tr>"
            + "".join(f"<td{cls(n)}>{inline_html(c)}</td>" for n, c in enumerate(row))
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def to_html(doc: Doc) -> str:
    body: list[str] = [f"<h1>{esc(doc.title)}</h1>"]
    style = ""
    if doc.running:  # printed in the top margin of every page (CSS paged media)
        style = (
            "@page { @top-right { content: "
            + css_string(doc.running)
            + "; font-size: 9pt; color: #333; font-family: sans-serif; } }"
        )
    if doc.toc:
        entries = [b for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
        if entries:
            body.append(
                '<nav class="toc"><strong>Contents</strong><ol>'
                + "".join(f'<li><a href="#{esc(b.anchor)}">{esc(b.text)}</a></li>' for b in entries)
                + "</ol></nav>"
            )
    for b in doc.blocks:
        if isinstance(b, Heading):
            body.append(f'<h{b.level} id="{esc(b.anchor)}">{esc(b.text)}</h{b.level}>')
        elif isinstance(b, Para):
            css = f' class="{esc(b.css)}"' if b.css else ""
            body.append(f"<p{css}>{inline_html(b.text)}</p>")
        elif isinstance(b, Embedded):
            body.append(f'<div class="embedded">{markdown_html(b.markdown, b.shift)}</div>')
        elif isinstance(b, Table):
            body.append(_table_html(b))
        elif isinstance(b, Bullets):
            tag = "ol" if b.ordered else "ul"
            body.append(
                f"<{tag}>" + "".join(f"<li>{inline_html(i)}</li>" for i in b.items) + f"</{tag}>"
            )
        elif isinstance(b, ChartBlock):
            svg = render_bars_svg(b.chart) if isinstance(b.chart, BarChart) else render_svg(b.chart)
            caption = f"<figcaption>{esc(b.chart.caption)}</figcaption>" if b.chart.caption else ""
            body.append(
                f'<figure class="chart" id="chart-{esc(b.chart.id)}">{svg}{caption}</figure>'
            )
        elif isinstance(b, PageBreak):
            body.append('<div class="pagebreak"></div>')
    return page(doc.title, "\n".join(body), style)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character but letters, digits and a few
    punctuation marks as a CSS escape, so nothing in it can end the string or the style."""
    safe = set(" ()—–-.,:;'")
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):X} " for c in text) + '"'


def page(title: str, body: str, style: str = "") -> str:
    """A complete, self-contained HTML page: inline CSS, no scripts, no network."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tradegame">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}{style}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def render(doc: Doc, fmt: str) -> str:
    """``fmt`` is ``"md"`` or ``"html"``."""
    return to_html(doc) if fmt == "html" else to_markdown(doc)


__all__ = [
    "CSP",
    "Doc",
    "esc",
    "inline_html",
    "markdown_html",
    "page",
    "render",
    "shift_headings",
    "slug",
    "t",
    "to_html",
    "to_markdown",
]
