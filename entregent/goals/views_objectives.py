"""Stubs, replaced by the objectives and outcomes implementation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def objective_list(request: HttpRequest) -> HttpResponse:
    return render(request, "goals/objective_list.html", {})


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


objective_create = outcome_list = outcome_create = objective_list
objective_edit = objective_delete = outcome_edit = outcome_delete = objective_detail
