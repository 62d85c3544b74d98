"""Stubs, replaced by the report's implementation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "goals/report.html", {})


report_csv = report
