"""/network/duplicates/: review the contacts that may be one person, merge them, undo a merge.

The candidate pairs come from ``network.duplicates`` (cached per member); each pair is shown
side by side with a radio per field where the two differ, the merge itself is
``actions.merge_contacts`` and its undo ``actions.unmerge``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.network import actions, duplicates
from entregent.network.models import Contact, ContactPoint, DuplicateDecision, Merge, Tag
from entregent.network.views import _get_contact

PAIRS_PER_PAGE = 20
RECENT_MERGES = 10
NOTES_SHOWN = 300  # characters of the notes shown per side; both are kept anyway

FIRST, SECOND = "first", "second"


def _get_merge(request: AuthenticatedHttpRequest, pk: int) -> Merge:
    return get_object_or_404(Merge.objects.filter(owner=request.user.pk), pk=pk)


def _get_pair(
    request: AuthenticatedHttpRequest, first: int, second: int
) -> tuple[Contact, Contact]:
    """Two different contacts of the member's, the older (smaller id) first: it is the one kept
    by a merge, so that links to it keep working."""
    if first == second:
        raise Http404
    a, b = _get_contact(request, first), _get_contact(request, second)
    return (a, b) if a.pk < b.pk else (b, a)


def _value(contact: Contact, group: str) -> str:
    """A group of MERGE_CHOICES as the member reads it ("" when empty)."""
    if group == "name":
        split = f"{contact.given_name} {contact.family_name}".strip()
        if split and split != contact.display_name:
            return f"{contact.display_name} ({split})"
        return contact.display_name
    if group == "birthday":
        return contact.birthday_display()
    if group == "met_on":
        return date_format(contact.met_on, "DATE_FORMAT") if contact.met_on else ""
    if group == "introduced_by":
        return contact.introduced_by.display_name if contact.introduced_by else ""
    if group == "tie_strength":
        if not contact.tie_strength:
            return ""
        return _("%(value)s out of 5") % {"value": contact.tie_strength}
    if group == "trust":
        parts = []
        if contact.trust_rating:
            parts.append(_("%(value)s out of 5") % {"value": contact.trust_rating})
        if contact.trust_note:
            parts.append(contact.trust_note)
        if contact.trust_noted_on:
            parts.append(date_format(contact.trust_noted_on, "DATE_FORMAT"))
        return " · ".join(parts)
    if group == "cadence":
        return str(contact.get_cadence_display()) if contact.cadence is not None else ""
    return str(getattr(contact, actions.MERGE_CHOICES[group][0]) or "")


def _differs(first: Contact, second: Contact, group: str) -> bool:
    """Both have a value for the group and the values differ: the member chooses."""
    names = actions.MERGE_CHOICES[group]
    a = [getattr(first, n) for n in names]
    b = [getattr(second, n) for n in names]
    empty = (None, "")
    return a != b and any(v not in empty for v in a) and any(v not in empty for v in b)


class MergeForm(forms.Form):
    """One choice per field where the two contacts differ: whose value to keep."""

    def __init__(self, *args: Any, first: Contact, second: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in actions.MERGE_CHOICES:
            if _differs(first, second, group):
                self.fields[group] = forms.ChoiceField(
                    label=actions.MERGE_CHOICE_LABELS[group],
                    choices=[(FIRST, _value(first, group)), (SECOND, _value(second, group))],
                    initial=FIRST,
                    required=False,
                    widget=forms.RadioSelect,
                )

    def choices(self) -> dict[str, actions.Side]:
        """For merge_contacts: the first contact is the one kept."""
        return {
            group: "merged" if value == SECOND else "kept"
            for group, value in self.cleaned_data.items()
            if value
        }


@dataclass
class Row:
    label: str
    name: str  # the radio group's name, "" when there is nothing to choose
    first: str
    second: str


@dataclass
class PairView:
    pair: duplicates.Pair
    first: Contact
    second: Contact
    score: str
    reasons: list[str]
    rows: list[Row] = field(default_factory=list)
    merge_url: str = ""
    distinct_url: str = ""


def _points(contact: Contact) -> str:
    return "\n".join(
        f"{point.raw} ({point.label})" if point.label else point.raw
        for point in contact.points.all()
    )


def _rows(first: Contact, second: Contact) -> list[Row]:
    rows = []
    for group, label in actions.MERGE_CHOICE_LABELS.items():
        a, b = _value(first, group), _value(second, group)
        if a or b:
            rows.append(Row(str(label), group if _differs(first, second, group) else "", a, b))
    fixed = [
        (_("Ways to reach them"), _points(first), _points(second)),
        (
            _("Tags"),
            ", ".join(t.name for t in getattr(first, "tag_list", [])),
            ", ".join(t.name for t in getattr(second, "tag_list", [])),
        ),
        (
            _("Interactions"),
            str(getattr(first, "interaction_count", 0)),
            str(getattr(second, "interaction_count", 0)),
        ),
        (
            _("Notes"),
            _shorten(first.notes),
            _shorten(second.notes),
        ),
    ]
    rows += [Row(label, "", a, b) for label, a, b in fixed if a or b]
    return rows


def _shorten(text: str) -> str:
    return text if len(text) <= NOTES_SHOWN else text[:NOTES_SHOWN].rstrip() + "…"


def _pair_views(request: AuthenticatedHttpRequest, pairs: list[duplicates.Pair]) -> list[PairView]:
    """The page's pairs with their contacts, in a fixed number of queries."""
    ids = {pk for pair in pairs for pk in (pair.first, pair.second)}
    contacts = (
        Contact.objects.owned_by(request.user)
        .filter(pk__in=ids)
        .select_related("introduced_by")
        .annotate(interaction_count=Count("interactions"))
        .prefetch_related(
            # Points an unfinished import added are not the member's yet.
            Prefetch("points", queryset=ContactPoint.objects.filter(pending=False)),
            Prefetch("tags", queryset=Tag.objects.only("pk", "name"), to_attr="tag_list"),
        )
        .in_bulk()
    )
    views = []
    for pair in pairs:
        first, second = contacts.get(pair.first), contacts.get(pair.second)
        if first is None or second is None:
            continue  # merged or deleted since the pairs were computed
        views.append(
            PairView(
                pair=pair,
                first=first,
                second=second,
                score=f"{pair.score:.2f}",
                reasons=pair.reason_labels(),
                rows=_rows(first, second),
                merge_url=reverse("network:duplicate-merge", args=[first.pk, second.pk]),
                distinct_url=reverse("network:duplicate-distinct", args=[first.pk, second.pk]),
            )
        )
    return views


def _int_param(request: AuthenticatedHttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


# /network/duplicates/


@login_required
def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = duplicates.find(request.user)
    pairs = found.pairs
    if found.computing and pairs:
        # Computed before the latest changes: leave out contacts merged or deleted since, and
        # pairs the member has just said are different people.
        live = set(Contact.objects.owned_by(request.user).values_list("pk", flat=True))
        decided = duplicates.decided_pairs(request.user)
        pairs = [
            p
            for p in pairs
            if p.first in live and p.second in live and (p.first, p.second) not in decided
        ]
    only = _int_param(request, "contact")
    focus = None
    if only is not None:
        focus = Contact.objects.owned_by(request.user).filter(pk=only).first()
        pairs = [p for p in pairs if only in (p.first, p.second)] if focus else []
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("merged", None)
    merged_id = _int_param(request, "merged")
    just_merged = (
        Merge.objects.filter(owner=request.user, pk=merged_id, undone_at__isnull=True)
        .select_related("kept")
        .first()
        if merged_id is not None
        else None
    )
    context = {
        "found": found,
        "page": page,
        "pairs": _pair_views(request, list(page.object_list)),
        "pair_count": len(pairs),
        "contact_count": Contact.objects.owned_by(request.user).count(),
        "focus": focus,
        "query": query.urlencode(),
        "just_merged": just_merged,
        "merges": Merge.objects.filter(owner=request.user).select_related("kept")[:RECENT_MERGES],
        "here": request.get_full_path(),
    }
    return render(request, "network/duplicates.html", context)


# /network/duplicates/<first>/<second>/merge/ and /not-the-same/


@login_required
@require_POST
def duplicate_merge(request: AuthenticatedHttpRequest, first: int, second: int) -> HttpResponse:
    kept, merged = _get_pair(request, first, second)
    form = MergeForm(request.POST, first=kept, second=merged)
    back = safe_next(request, reverse("network:duplicates"))
    if not form.is_valid():
        messages.error(request, _("Please choose one value for each field, then merge again."))
        return redirect(back)
    try:
        merge = actions.merge_contacts(request.user, kept, merged, form.choices())
    except actions.MergeError as error:
        messages.error(request, str(error))
        return redirect(back)
    return redirect(f"{reverse('network:duplicates')}?merged={merge.pk}")


@login_required
@require_POST
def duplicate_distinct(request: AuthenticatedHttpRequest, first: int, second: int) -> HttpResponse:
    a, b = _get_pair(request, first, second)
    DuplicateDecision.objects.get_or_create(owner=request.user, first=a, second=b)
    messages.success(
        request,
        _(
            "Noted: %(first)s and %(second)s are not the same person; they will not be suggested "
            "again."
        )
        % {"first": a, "second": b},
    )
    return redirect(safe_next(request, reverse("network:duplicates")))


# /network/duplicates/merges/<id>/undo/


@login_required
@require_POST
def merge_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    merge = _get_merge(request, pk)
    try:
        result = actions.unmerge(merge)
    except actions.MergeError as error:
        messages.error(request, str(error))
        return redirect("network:duplicates")
    messages.success(
        request,
        _("The merge was undone: %(name)s is a contact of their own again.")
        % {"name": result.contact},
    )
    for line in result.not_restored:
        messages.warning(request, line)
    return redirect(safe_next(request, reverse("network:duplicates")))
