"""The practice's agreement wording: Markdown rendered to HTML, then sanitized (nh3)."""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED = {"p", "ul", "ol", "li", "strong", "em", "h2", "h3", "h4", "blockquote", "br", "hr", "a", "code"}


def render_markdown(text: str) -> SafeString:
    html = md.markdown(text, extensions=[], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED, attributes={"a": {"href"}}, url_schemes={"https", "mailto", "tel"})
    return mark_safe(clean)  # noqa: S308 (sanitized by nh3 just above)
