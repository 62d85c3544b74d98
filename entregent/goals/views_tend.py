"""Stubs, replaced by the tend page's implementation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def tend(request: HttpRequest) -> HttpResponse:
    return render(request, "goals/tend.html", {})


@login_required
def tend_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


tend_done = prune_keep = prune_archive = prune_delete = tend_snooze
