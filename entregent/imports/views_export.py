"""/network/import/export/<format>/: the member's contacts as a vCard, CSV or JSON download."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from entregent.imports import exports
from entregent.lib.http import AuthenticatedHttpRequest


def _with_bom(chunks: Iterator[str]) -> Iterator[str]:
    # Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
    yield "\ufeff"
    yield from chunks


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, format: str) -> HttpResponse | StreamingHttpResponse:
    if format not in exports.FORMATS:
        raise Http404
    contacts = exports.member_contacts(request.user)
    response: HttpResponse | StreamingHttpResponse
    if format == "json":
        data = exports.json(contacts)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type=exports.CONTENT_TYPES[format],
        )
    else:
        # Streamed: a network with photos is written card by card, never held whole.
        chunks = (
            exports.iter_vcards(contacts)
            if format == "vcard"
            else _with_bom(exports.iter_csv(contacts))
        )
        response = StreamingHttpResponse(chunks, content_type=exports.CONTENT_TYPES[format])
    day = timezone.localdate().isoformat()
    filename = f"entregent-contacts-{day}.{exports.EXTENSIONS[format]}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Private data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
