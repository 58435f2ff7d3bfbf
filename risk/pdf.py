"""PDF rendering with WeasyPrint: a lean print stylesheet, never Bootstrap, and no
fetching of anything (no network, no files): the stylesheet is passed in directly."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"


def _refuse(url, *args, **kwargs):
    raise ValueError("Harbour PDFs load no external resources.")


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_pdf(template: str, context: dict, *, generated_for) -> bytes:
    """Render a template to PDF with the protective marking in the header and footer, page
    numbers, and who it was generated for and when on every page."""
    from weasyprint import CSS, HTML

    when = timezone.localtime()
    page_css = f"""
    @page {{
      @top-center {{ content: {_css_string(settings.PROTECTIVE_MARKING)}; }}
      @bottom-center {{ content: {_css_string(settings.PROTECTIVE_MARKING)}; }}
      @bottom-left {{ content: {_css_string(f"Generated for {generated_for.full_name} on {when:%d %b %Y %H:%M}")}; }}
      @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }}
    }}"""
    html = render_to_string(
        template,
        {
            **context,
            "generated_for": generated_for,
            "generated_at": when,
            "PROTECTIVE_MARKING": settings.PROTECTIVE_MARKING,
        },
    )
    document = HTML(string=html, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[CSS(string=PRINT_CSS.read_text()), CSS(string=page_css)])
