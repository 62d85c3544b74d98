"""Objectives and outcomes: what the member aims for, and what their networking produced.

Every object is fetched through one helper per model (``_get_objective``, ``_get_outcome``)
that goes through the owner-scoped queryset and answers 404 for anyone else's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from entregent.goals.forms import DerivedOutcomeForm, ObjectiveForm, OutcomeFilterForm, OutcomeForm
from entregent.goals.models import Objective, Outcome
from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.lib.text import content_words
from entregent.network import search
from entregent.network.models import Contact, ContactQuerySet

OUTCOMES_PER_PAGE = 50
# "People who could help": a short list is a nudge, a long one is the search page.
HELPERS_SHOWN = 8
# How many linked people the search looks past to fill the list.
LINKED_SKIPPED = 24
# The search reads at most 8 words; the title's come first.
HELPER_WORDS = 8
# Words of an objective's prose that say nothing about who could help ("someone who could
# show me the tools"): searched for, they find every contact whose notes say "doing" or "show".
# Folded, as ``content_words`` returns them.
FILLER_WORDS = frozenset(
    (
        # English
        "i me my we our us you your he she they them their it its this that these those who "
        "whom which what when where how why someone somebody anyone one ones "
        "is are was were be been being am do does did doing have has had can could would "
        "should will shall may might must need needs want wants like looking look find "
        "finding get help show tell know able ideally maybe also very more most some any "
        "other others new good great best than then so but not no if about into out up "
        "just really things thing stuff tools way ways"
        # French
        " je j moi mon ma mes nous notre nos vous votre vos il elle ils elles on lui leur "
        "leurs se sa son ses ce cet cette ces ca cela qui que qu quoi dont ou quand comment "
        "quelqu quelque quelques personne personnes est sont etre ete etait suis sommes "
        "avoir ai avons ont fait faire peut peux pourrait pourrais doit besoin veux voudrais "
        "cherche chercher trouver aider montrer idealement aussi tres plus moins bon bonne "
        "nouveau nouvelle autre autres mais ne pas si avec sans comme tout tous toute toutes"
    ).split()
)


def _get_objective(request: AuthenticatedHttpRequest, pk: int) -> Objective:
    return get_object_or_404(Objective.objects.owned_by(request.user), pk=pk)


def _get_outcome(request: AuthenticatedHttpRequest, pk: int) -> Outcome:
    return get_object_or_404(Outcome.objects.owned_by(request.user), pk=pk)


def _live_contacts() -> QuerySet[Contact]:
    """Contacts as lists show them: neither in the bin nor still being imported."""
    return Contact.objects.filter(deleted_at__isnull=True, pending=False).only(
        "pk", "display_name", "headline", "organisation", "archived_at"
    )


def _count(model: Any, field: str, extra: Q | None = None) -> Coalesce:
    """How many rows of ``model`` point at the outer row through ``field``, as a subquery:
    two counts over two joins would multiply each other."""
    rows = model.objects.filter(**{field: OuterRef("pk")})
    if extra is not None:
        rows = rows.filter(extra)
    return Coalesce(
        Subquery(
            rows.order_by().values(field).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


# /network/objectives/


@login_required
def objective_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    through = Objective.contacts.through
    objectives = list(
        Objective.objects.owned_by(request.user)
        .annotate(
            contact_count=_count(
                through,
                "objective",
                Q(contact__deleted_at__isnull=True, contact__pending=False),
            ),
            outcome_count=_count(Outcome, "objective"),
        )
        .order_by("-created_at", "-pk")
    )
    open_ones = [o for o in objectives if o.status == Objective.Status.OPEN]
    # Closed ones below, the latest closed first.
    closed = sorted(
        (o for o in objectives if o.status != Objective.Status.OPEN),
        key=lambda o: (o.closed_on is not None, o.closed_on, o.pk),
        reverse=True,
    )
    counts = Counter(o.status for o in objectives)
    context = {
        "open_objectives": open_ones,
        "closed_objectives": closed,
        "counts": {status: counts.get(status, 0) for status in Objective.Status.values},
        "total": len(objectives),
        "recent_outcomes": _recent_outcome_count(request),
    }
    return render(request, "goals/objective_list.html", context)


def _recent_outcome_count(request: AuthenticatedHttpRequest) -> int:
    today = timezone.localdate()
    start = today.replace(day=1)
    count: int = (
        Outcome.objects.owned_by(request.user).filter(occurred_on__range=(start, today)).count()
    )
    return count


# The people picker's names as one types (``?people=`` on any of the forms that have one).

PEOPLE_SUGGESTED = 8


def _people_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's contacts that the words typed find, for the picker's script: the search
    of the network, so accents, typos and what they do count as they do there."""
    text = request.GET.get("people", "")[:200]
    results = search.search(request.user, text, limit=PEOPLE_SUGGESTED, explain=False)
    contacts = [hit.contact for hit in results.hits]
    return render(request, "goals/_objective_people_suggestions.html", {"contacts": contacts})


# /network/objectives/new/ and /network/objectives/<id>/edit/


@login_required
def objective_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if "people" in request.GET:
        return _people_suggestions(request)
    return _objective_form(request, Objective(owner=request.user))


@login_required
def objective_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective(request, pk)
    if "people" in request.GET:
        return _people_suggestions(request)
    return _objective_form(request, objective)


def _objective_form(request: AuthenticatedHttpRequest, objective: Objective) -> HttpResponse:
    creating = objective.pk is None
    suggestions: list[Contact] = []
    if not creating and objective.status == Objective.Status.OPEN:
        suggestions = [hit.contact for hit in _helpers(request, objective, limit=5)]
    form = ObjectiveForm(
        request.POST or None, instance=objective, owner=request.user, suggestions=suggestions
    )
    form.suggest_from(request.path)
    if request.method == "POST" and form.is_valid():
        objective = form.save()
        if creating:
            messages.success(request, _("Objective “%(title)s” created.") % {"title": objective})
        else:
            messages.success(
                request, _("Changes to “%(title)s” were saved.") % {"title": objective}
            )
        return redirect(objective)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    people = form.people_options()
    context = {
        "form": form,
        "objective": objective,
        "creating": creating,
        "people": people,
        # Say what the unticked boxes are, unless they are the candidates of a name.
        "suggested": any(not p.checked for p in people) and not form.has_error("add_names"),
    }
    return render(request, "goals/objective_form.html", context)


# /network/objectives/<id>/ (POST: link or unlink a contact)


@dataclass
class Helper:
    """Someone of the network who could help with an objective, and why the search says so."""

    contact: Contact
    snippets: list[tuple[str, Any]]
    via: list[Contact]
    partial: bool


def _helper_query(objective: Objective) -> str:
    """The objective's words for the search: the title's, then the criteria's, each once."""
    words = content_words(f"{objective.title} {objective.criteria}")
    meaningful = [w for w in dict.fromkeys(words) if w not in FILLER_WORDS]
    return " ".join(meaningful[:HELPER_WORDS])


def _helpers(
    request: AuthenticatedHttpRequest,
    objective: Objective,
    limit: int = HELPERS_SHOWN,
    linked: set[int] | None = None,
) -> list[Helper]:
    """People who could help, best first: the search over the objective's words (which falls
    back to partial matches), without those already linked."""
    text = _helper_query(objective)
    if not text:
        return []
    if linked is None:
        linked = set(objective.contacts.values_list("pk", flat=True))
    # Ask for a few more than shown, as many of the best may be linked already; not for every
    # linked person: each hit asked for is explained (snippets), which costs time.
    results = search.search(request.user, text, limit=limit + min(len(linked), LINKED_SKIPPED))
    helpers = [
        Helper(hit.contact, hit.snippets, hit.via, hit.partial)
        for hit in results.hits
        if hit.contact.pk not in linked
    ]
    return helpers[:limit]


@login_required
def objective_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective(request, pk)
    if request.method == "POST":
        return _link_or_unlink(request, objective)
    linked = list(objective.contacts.filter(deleted_at__isnull=True, pending=False).order_by())
    linked.sort(key=lambda c: (c.display_name.casefold(), c.pk))
    outcomes = (
        objective.outcomes.select_related("source_interaction")
        .prefetch_related(Prefetch("contacts", _live_contacts(), to_attr="people"))
        .order_by("-occurred_on", "-pk")
    )
    is_open = objective.status == Objective.Status.OPEN
    context = {
        "objective": objective,
        "linked": linked,
        "outcome_rows": outcome_rows(outcomes),
        "helpers": _helpers(request, objective, linked={c.pk for c in linked}) if is_open else [],
        "helper_query": _helper_query(objective),
        "is_open": is_open,
    }
    return render(request, "goals/objective_detail.html", context)


def _link_or_unlink(request: AuthenticatedHttpRequest, objective: Objective) -> HttpResponse:
    contacts: ContactQuerySet = Contact.objects.owned_by(request.user)
    target = request.POST.get("contact", "")
    contact = get_object_or_404(contacts, pk=int(target)) if target.isdigit() else None
    action = request.POST.get("action")
    if contact is None or action not in ("link", "unlink"):
        messages.error(request, _("Choose someone of your network."))
        return redirect(objective)
    if action == "link":
        objective.contacts.add(contact)
        messages.success(
            request,
            _("%(name)s is linked to “%(title)s”.") % {"name": contact, "title": objective},
        )
        return redirect(objective.get_absolute_url() + "#helpers")
    objective.contacts.remove(contact)
    messages.success(
        request,
        _("%(name)s is no longer linked to “%(title)s”.") % {"name": contact, "title": objective},
    )
    return redirect(objective.get_absolute_url() + "#people")


# /network/objectives/<id>/delete/


@login_required
def objective_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes. Its outcomes stay, without an objective."""
    objective = _get_objective(request, pk)
    if request.method == "POST":
        title = str(objective)
        objective.delete()
        messages.success(request, _("Objective “%(title)s” deleted.") % {"title": title})
        return redirect("goals:objective-list")
    context = {"objective": objective, "outcome_count": objective.outcomes.count()}
    return render(request, "goals/objective_confirm_delete.html", context)


# /network/outcomes/


@dataclass
class OutcomeRow:
    """What a row of outcomes shows, computed once in Python: templates are slow at logic."""

    outcome: Outcome
    day_iso: str
    day: str
    kind: str
    people: list[Contact]
    objective: Objective | None
    # Where a derived outcome comes from, short for lists ("from the interaction “Lunch”") and
    # long for its own page ("from the interaction of 3 March: Lunch"), and that page.
    source: str
    source_long: str
    source_url: str
    edit_url: str


def outcome_rows(outcomes: Any) -> list[OutcomeRow]:
    edit = reverse("goals:outcome-edit", args=[0]).replace("/0/", "/{}/")
    rows = []
    for outcome in outcomes:
        source, source_long, source_url = "", "", ""
        interaction = outcome.source_interaction
        if interaction is not None:
            source = _("from the interaction “%(summary)s”") % {"summary": interaction.summary}
            source_long = _("from the interaction of %(day)s: “%(summary)s”") % {
                "day": date_format(interaction.occurred_on, "DATE_FORMAT"),
                "summary": interaction.summary,
            }
            source_url = interaction.get_absolute_url()
        elif outcome.source_contact_id is not None:
            source = source_long = _("recorded when you added them to your network")
        rows.append(
            OutcomeRow(
                outcome=outcome,
                day_iso=outcome.occurred_on.isoformat(),
                day=date_format(outcome.occurred_on, "DATE_FORMAT"),
                kind=str(outcome.get_kind_display()),
                people=getattr(outcome, "people", []),
                objective=outcome.objective,
                source=source,
                source_long=source_long,
                source_url=source_url,
                edit_url=edit.format(outcome.pk),
            )
        )
    return rows


@login_required
def outcome_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OutcomeFilterForm(request.GET or None)
    today = timezone.localdate()
    start, end = form.bounds(today)
    kind = form.cleaned_data.get("kind") if form.is_valid() else ""
    outcomes = Outcome.objects.owned_by(request.user)
    if start:
        outcomes = outcomes.filter(occurred_on__gte=start)
    if end:
        outcomes = outcomes.filter(occurred_on__lte=end)
    # The counts by kind are for the period, whatever kind is picked.
    by_kind = dict(
        outcomes.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    if kind:
        outcomes = outcomes.filter(kind=kind)
    outcomes = (
        outcomes.select_related("objective", "source_interaction")
        .prefetch_related(Prefetch("contacts", _live_contacts(), to_attr="people"))
        .order_by("-occurred_on", "-pk")
    )
    paginator = Paginator(outcomes, OUTCOMES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": outcome_rows(page.object_list),
        "query": query.urlencode(),
        "start": start,
        "end": end,
        "kind": kind,
        "kind_counts": [
            (value, label, by_kind[value], _kind_link(request, value))
            for value, label in Outcome.Kind.choices
            if by_kind.get(value)
        ],
        "period_total": sum(by_kind.values()),
        "filtered": bool(request.GET.get("kind") or start or end),
    }
    return render(request, "goals/outcome_list.html", context)


def _kind_link(request: AuthenticatedHttpRequest, kind: str) -> str:
    """The list's current query with this kind picked (or unpicked when it already is)."""
    query = request.GET.copy()
    query.pop("page", None)
    if query.get("kind") == kind:
        query.pop("kind")
    else:
        query["kind"] = kind
    return "?" + query.urlencode() if query else reverse("goals:outcome-list")


# /network/outcomes/new/ and /network/outcomes/<id>/edit/


@login_required
def outcome_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if "people" in request.GET:
        return _people_suggestions(request)
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    objective_id = request.GET.get("objective", "")
    if objective_id.isdigit():
        objective = Objective.objects.owned_by(request.user).filter(pk=int(objective_id)).first()
        if objective is not None:
            initial["objective"] = objective.pk
    contact_id = request.GET.get("contact", "")
    if contact_id.isdigit():
        initial["contacts"] = list(
            Contact.objects.owned_by(request.user)
            .filter(pk=int(contact_id))
            .values_list("pk", flat=True)
        )
    form = OutcomeForm(request.POST or None, owner=request.user, initial=initial)
    form.suggest_from(request.path)
    if request.method == "POST" and form.is_valid():
        outcome = form.save()
        messages.success(request, _("The outcome was recorded."))
        default = (
            outcome.objective.get_absolute_url()
            if outcome.objective
            else reverse("goals:outcome-list")
        )
        return redirect(safe_next(request, default))
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    context = {
        "form": form,
        "outcome": None,
        "people": form.people_options(),
        "next": safe_next(request, ""),
    }
    return render(request, "goals/outcome_form.html", context)


@login_required
def outcome_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outcome = _get_outcome(request, pk)
    if "people" in request.GET:
        return _people_suggestions(request)
    form: OutcomeForm | DerivedOutcomeForm
    if outcome.is_derived:
        form = DerivedOutcomeForm(request.POST or None, instance=outcome, owner=request.user)
    else:
        form = OutcomeForm(request.POST or None, instance=outcome, owner=request.user)
        form.suggest_from(request.path)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The outcome was saved."))
        return redirect(safe_next(request, reverse("goals:outcome-list")))
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    row = outcome_rows(
        [
            Outcome.objects.select_related("objective", "source_interaction")
            .prefetch_related(Prefetch("contacts", _live_contacts(), to_attr="people"))
            .get(pk=outcome.pk)
        ]
    )[0]
    context = {
        "form": form,
        "outcome": outcome,
        "row": row,
        "people": form.people_options() if isinstance(form, OutcomeForm) else [],
        "next": safe_next(request, ""),
    }
    return render(request, "goals/outcome_form.html", context)


# /network/outcomes/<id>/delete/


@login_required
def outcome_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes. A derived outcome stays deleted until its
    interaction's date, kind or people change (then the rules apply afresh)."""
    outcome = _get_outcome(request, pk)
    if request.method == "POST":
        outcome.delete()
        messages.success(request, _("The outcome was deleted."))
        return redirect(safe_next(request, reverse("goals:outcome-list")))
    row = outcome_rows(
        [
            Outcome.objects.select_related("objective", "source_interaction")
            .prefetch_related(Prefetch("contacts", _live_contacts(), to_attr="people"))
            .get(pk=outcome.pk)
        ]
    )[0]
    context = {"outcome": outcome, "row": row, "next": safe_next(request, "")}
    return render(request, "goals/outcome_confirm_delete.html", context)
