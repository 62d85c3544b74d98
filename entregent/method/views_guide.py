"""The guide of a method: its validated steps as one readable, printable document, and the
same as Markdown to download (``method/guide.py`` builds both).

Visible as the method is (``access.get_method``: public methods to anyone, members-only ones
to members, 404 otherwise); it shows published versions only, so drafts and scheduled
versions never appear in it, even for the facilitators.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from entregent.method import guide as guides
from entregent.method.access import get_method
from entregent.method.views import absolute, public_page_context

# /methods/<slug>/guide/


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    built = guides.build(method)
    title = _("Guide: %(title)s") % {"title": method.title}
    context = {
        "method": method,
        "guide": built,
        "title": title,
        # Printed, the guide says where to find it again.
        "guide_url": absolute(request.path),
        **public_page_context(method, request.path, title, method.description),
    }
    return render(request, "method/guide.html", context)


# /methods/<slug>/guide.md


def guide_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    method = get_method(request, slug)
    text = guides.to_markdown(guides.build(method))
    response = HttpResponse(text.encode(), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=guides.filename(method)
    )
    # Written in the method's language, whatever the reader's (see guide.to_markdown).
    response["Content-Language"] = method.language
    return response
