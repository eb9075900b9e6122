"""HTML to PDF (WeasyPrint) for the portal's documents — the monthly SLA statement, the
invoices and credit notes — each rendered from the same HTML as its page and styled by
its print stylesheet under ``static/``."""

from __future__ import annotations


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(stylesheet))])
