"""Renders the source page (data/source/, kept unchanged) as HTML with an anchor per
section, so a citation in the widget links straight to the section it names.

`python -m spine_assistant.website.source_page OUT_DIR` writes OUT_DIR/source.html and
OUT_DIR/anchors.json (heading → anchor, bundled into the widget).
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

from spine_assistant.knowledge import Knowledge, load_knowledge
from spine_assistant.website.anchors import anchor_map, cited_headings, section_anchor

BULLET = "•"
BREADCRUMB_SEPARATOR = " > "

PAGE_STYLE = """
body { font: 17px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 0 auto; padding: 1rem;
       color: #1b1b1b; background: #fff; }
nav { font-size: 0.9rem; color: #4a4a4a; }
h1, h2, h3 { line-height: 1.25; scroll-margin-top: 1rem; }
:target { background: #fff4c2; outline: 3px solid #b58900; outline-offset: 4px; }
.publisher { color: #4a4a4a; font-style: italic; }
"""


def _block_html(lines: list[str], headings: dict[str, str], subheadings: dict[str, str]) -> str:
    """One blank-line-separated block of the page: a heading, a list or a paragraph."""
    if len(lines) == 1 and lines[0] in headings:
        return f'<h2 id="{headings[lines[0]]}">{escape(lines[0])}</h2>'
    if len(lines) == 1 and lines[0] in subheadings:
        return f'<h3 id="{subheadings[lines[0]]}">{escape(lines[0])}</h3>'
    if all(line.startswith(BULLET) for line in lines):
        items = "".join(f"<li>{escape(line.lstrip(BULLET).strip())}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    return f"<p>{escape(' '.join(lines))}</p>"


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def render_source_page(knowledge: Knowledge) -> str:
    """The page as HTML: the title (the first section) is the h1, every other section an
    h2, every cited sub-heading an h3, each with its anchor; the text is escaped."""
    sections, subsections = cited_headings(knowledge)
    title, *other_sections = sections
    headings = {heading: section_anchor(heading) for heading in other_sections}
    subheadings = {heading: section_anchor(heading) for heading in subsections}
    breadcrumb, *body = _blocks(knowledge.source_text())
    body_html = "\n".join(_block_html(block, headings, subheadings) for block in body)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}: source page</title>
<style>{PAGE_STYLE}</style>
</head>
<body>
<nav aria-label="Breadcrumb">{escape(" › ".join(breadcrumb[0].split(BREADCRUMB_SEPARATOR)))}</nav>
<main>
<h1 id="{section_anchor(title)}">{escape(title)}</h1>
<p class="publisher">A copy of the clinic's patient page that the assistant answers from.</p>
{body_html}
</main>
</body>
</html>
"""


def write_source_page(out_dir: Path) -> None:
    knowledge = load_knowledge()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "source.html").write_text(render_source_page(knowledge), encoding="utf-8")
    anchors = json.dumps(anchor_map(knowledge), indent=2, ensure_ascii=False)
    (out_dir / "anchors.json").write_text(anchors + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_source_page(Path(sys.argv[1]))
