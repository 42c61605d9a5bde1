"""PDFs made from HTML with WeasyPrint.

WeasyPrint draws text with the system's Pango library (on Debian and Ubuntu the packages
``libpango-1.0-0`` and ``libpangoft2-1.0-0``; `.ci/run` installs them). Where Pango is missing
the app still runs: PDFs are not offered, and the pages say how to switch them on.
"""

try:
    from weasyprint import HTML
except OSError:  # the Python package is installed, the system's Pango is not
    HTML = None

AVAILABLE = HTML is not None


def pdf_from_html(html: str) -> bytes:
    """The HTML page as a PDF (its own CSS says the paper size)."""
    return HTML(string=html).write_pdf()
