"""Free notes in Markdown, rendered safely: raw HTML is never let through."""

from markdown_it import MarkdownIt
from markupsafe import Markup

# "js-default": CommonMark with raw HTML disabled and unsafe links
# (javascript:, data:) refused; typed "<script>" comes out as text.
_renderer = MarkdownIt("js-default", {"linkify": False, "typographer": False})


def render_notes(text: str) -> Markup:
    """Markdown → HTML where everything the user typed is escaped."""
    return Markup(_renderer.render(text or ""))
