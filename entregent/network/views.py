"""My network: pages over a member's own contacts, interactions and tags.

Every object is fetched through one helper per model (``_get_contact`` and friends) that goes
through the owner-scoped queryset and answers 404 for anyone else's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from entregent.lib.http import AuthenticatedHttpRequest, safe_next
from entregent.lib.markdown import render_markdown
from entregent.network import actions, duplicates, search
from entregent.network.forms import (
    ContactFilterForm,
    ContactForm,
    ContactPointFormSet,
    InteractionForm,
    QuickAddForm,
    RelationshipForm,
    SearchForm,
    TagForm,
)
from entregent.network.models import (
    Contact,
    ContactPhoto,
    ContactPoint,
    ContactQuerySet,
    Interaction,
    Relationship,
    Tag,
)
from entregent.network.search.query import Filters

CONTACTS_PER_PAGE = 50
TIMELINE_LENGTH = 30


def _get_contact(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.owned_by(request.user), pk=pk)


def _get_binned_contact(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    return get_object_or_404(Contact.objects.in_bin(request.user), pk=pk)


def _get_interaction(request: AuthenticatedHttpRequest, pk: int) -> Interaction:
    return get_object_or_404(Interaction.objects.owned_by(request.user), pk=pk)


def _get_tag(request: AuthenticatedHttpRequest, pk: int) -> Tag:
    return get_object_or_404(Tag.objects.owned_by(request.user), pk=pk)


def _get_relationship(request: AuthenticatedHttpRequest, pk: int) -> Relationship:
    return get_object_or_404(Relationship.objects.filter(owner=request.user.pk), pk=pk)


# /network/


@login_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET or None, owner=request.user)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or ""
    contacts: ContactQuerySet = Contact.objects.owned_by(request.user).with_status(status)
    if filters.get("q"):
        for word in filters["q"].split():
            contacts = contacts.filter(
                Q(display_name__icontains=word)
                | Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
            )
    if filters.get("tag"):
        contacts = contacts.filter(tags=filters["tag"])
    if filters.get("strength"):
        contacts = contacts.filter(tie_strength=filters["strength"])
    if filters.get("organisation"):
        contacts = contacts.filter(organisation__icontains=filters["organisation"])

    sort = filters.get("sort") or "name"
    orderings: dict[str, list[Any]] = {
        "name": ["display_name", "pk"],
        "-last": [F("last_interaction_on").desc(nulls_last=True), "display_name", "pk"],
        "last": [F("last_interaction_on").asc(nulls_first=True), "display_name", "pk"],
        "-created": ["-created_at", "-pk"],
    }
    contacts = contacts.order_by(*orderings[sort]).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("pk", "name"), to_attr="tag_list")
    )
    paginator = Paginator(contacts, CONTACTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # Skip to the page on ids alone (an index scan), then load the rows of that page only:
    # OFFSET over whole rows cost 20 ms on page 96 of 10,000 contacts.
    page_slice: ContactQuerySet = page.object_list  # type: ignore[assignment]
    ids = list(page_slice.values_list("pk", flat=True))
    loaded = contacts.filter(pk__in=ids).in_bulk()
    page.object_list = [loaded[pk] for pk in ids if pk in loaded]
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filter_controls": form.controls(),
        "page": page,
        "rows": contact_rows(page.object_list, today),
        "query": query.urlencode(),
        "today": today,
        "status": status,
        # Only asked when the page is empty, to tell "no match" from "nothing yet".
        "network_is_empty": not page.object_list
        and not Contact.objects.owned_by(request.user).exists(),
    }
    return render(request, "network/contact_list.html", context)


@dataclass
class ContactRow:
    """What a list row shows, computed once in Python: templates are slow at logic."""

    contact: Contact
    url: str
    status: str
    status_label: str
    tags: list[Tag]
    last_iso: str
    last_display: str


STATUS_LABELS = {
    # Spelt gettext_lazy, not an alias, so that makemessages finds these strings.
    "archived": gettext_lazy("archived"),
    "dormant": gettext_lazy("dormant"),
    "due": gettext_lazy("due"),
}


def contact_rows(contacts: Iterable[Contact], today: dt.date) -> list[ContactRow]:
    rows = []
    for contact in contacts:
        status = contact.status(today)
        last = contact.last_interaction_on
        rows.append(
            ContactRow(
                contact=contact,
                url=contact.get_absolute_url(),
                status=status,
                status_label=str(STATUS_LABELS[status]) if status else "",
                tags=getattr(contact, "tag_list", []),
                last_iso=last.isoformat() if last else "",
                last_display=date_format(last, "SHORT_DATE_FORMAT") if last else "",
            )
        )
    return rows


@dataclass
class TimelineEntry:
    interaction: Interaction
    day_iso: str
    day: str
    kind: str
    others: list[tuple[str, str]]  # (url, name) of the other participants
    notes_html: str
    edit_url: str


def timeline_entries(
    interactions: Iterable[Interaction], contact: Contact, back_to: str
) -> list[TimelineEntry]:
    """The contact page's timeline, computed once in Python like the list's rows."""
    edit = reverse("network:interaction-edit", args=[0]).replace("/0/", "/{}/")
    back = "?next=" + quote(back_to)
    entries = []
    for interaction in interactions:
        others = [
            (other.get_absolute_url(), other.display_name)
            for other in getattr(interaction, "participants", [])
            if other.pk != contact.pk
        ]
        entries.append(
            TimelineEntry(
                interaction=interaction,
                day_iso=interaction.occurred_on.isoformat(),
                day=date_format(interaction.occurred_on, "DATE_FORMAT"),
                kind=str(interaction.get_kind_display()),
                others=others,
                notes_html=render_markdown(interaction.notes) if interaction.notes else "",
                edit_url=edit.format(interaction.pk) + back,
            )
        )
    return entries


# /network/search/

SEARCH_LIMIT = 50
SUGGESTION_LIMIT = 8


@login_required
def contact_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask my network. With ``partial=1`` (the as-you-type script) only the results render."""
    form = SearchForm(request.GET or None, owner=request.user)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            tag=data["tag"].name if data.get("tag") else "",
            organisation=data.get("organisation") or "",
            strength=data.get("strength"),
            status=data.get("status") or "",
        )
        suggest = request.GET.get("partial") == "suggest"
        limit = SUGGESTION_LIMIT if suggest else SEARCH_LIMIT
        results = search.search(request.user, data["q"], limit=limit, filters=filters)
    context = {"form": form, "results": results, "query": request.GET.get("q", "")}
    partial = request.GET.get("partial")
    if partial == "suggest":
        return render(request, "network/_search_suggestions.html", context)
    if partial:
        return render(request, "network/_search_results.html", context)
    return render(request, "network/search.html", context)


# /network/contacts/new/ and /network/contacts/quick-add/


@login_required
def contact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _contact_form(request, Contact(owner=request.user))


@login_required
@require_POST
def contact_quick_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuickAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A contact needs a name."))
        return redirect(safe_next(request, reverse("network:contact-list")))
    contact = Contact.objects.create(
        owner=request.user,
        display_name=form.cleaned_data["display_name"],
        headline=form.cleaned_data["headline"],
    )
    messages.success(request, _("%(name)s was added to your network.") % {"name": contact})
    return redirect(contact)


# /network/contacts/<id>/


# Pictures an import brought; anything else could carry a script (SVG) or be mistaken for one.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})


@login_required
def contact_photo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A contact's picture, to its owner only."""
    contact = _get_contact(request, pk)
    photo = get_object_or_404(ContactPhoto, contact=contact, content_type__in=PHOTO_TYPES)
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    # The URL carries the picture's version: the browser may keep it, no shared cache may.
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    photo = ContactPhoto.objects.filter(contact=OuterRef("pk")).values("updated_at")
    contact = get_object_or_404(
        Contact.objects.owned_by(request.user)
        # Whether there is a picture (and which version), never the picture itself.
        .annotate(photo_version=Subquery(photo[:1]))
        .select_related("introduced_by")
        # Points an unfinished import added are not the member's yet.
        .prefetch_related("tags", Prefetch("points", ContactPoint.objects.filter(pending=False))),
        pk=pk,
    )
    timeline = contact.interactions.prefetch_related(
        Prefetch(
            "contacts",
            queryset=Contact.objects.filter(deleted_at__isnull=True).only("pk", "display_name"),
            to_attr="participants",
        )
    ).order_by("-occurred_on", "-pk")
    show_all = request.GET.get("timeline") == "all"
    interaction_count = contact.interactions.count()
    relationships = (
        Relationship.objects.filter(owner=request.user.pk)
        .filter(Q(from_contact=contact) | Q(to_contact=contact))
        .filter(from_contact__deleted_at__isnull=True, to_contact__deleted_at__isnull=True)
        .select_related("from_contact", "to_contact")
        .order_by("kind", "pk")
    )
    introduced = contact.introduced.filter(deleted_at__isnull=True).only("pk", "display_name")
    context = {
        "contact": contact,
        "timeline": timeline_entries(
            timeline if show_all else timeline[:TIMELINE_LENGTH], contact, request.path
        ),
        "interaction_count": interaction_count,
        "show_all": show_all or interaction_count <= TIMELINE_LENGTH,
        "relationships": relationships,
        "introduced": introduced,
        # As last computed for the duplicates page: never computed here, this page stays fast.
        "duplicate_count": len(duplicates.pairs_with(request.user, contact)),
        "interaction_kinds": Interaction.Kind.choices,
        "today": timezone.localdate(),
    }
    return render(request, "network/contact_detail.html", context)


# /network/contacts/<id>/edit/


@login_required
def contact_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _contact_form(request, _get_contact(request, pk))


def _contact_form(request: AuthenticatedHttpRequest, contact: Contact) -> HttpResponse:
    creating = contact.pk is None
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    points = ContactPointFormSet(
        request.POST or None,
        instance=contact,
        prefix="points",
        queryset=ContactPoint.objects.filter(pending=False),  # see contact_detail
    )
    if request.method == "POST" and form.is_valid() and points.is_valid():
        # The contact and its ways to reach it are saved together or not at all.
        with transaction.atomic():
            contact = form.save()
            points.instance = contact
            points.save()
        if creating:
            messages.success(request, _("%(name)s was added to your network.") % {"name": contact})
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": contact})
        return redirect(contact)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    context = {"form": form, "points": points, "contact": contact, "creating": creating}
    return render(request, "network/contact_form.html", context)


# /network/contacts/<id>/archive/ /restore/ /delete/


@login_required
@require_POST
def contact_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    contact.archive()
    messages.success(
        request, _("%(name)s was archived. You can restore them at any time.") % {"name": contact}
    )
    return redirect(contact)


@login_required
@require_POST
def contact_unarchive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    contact.unarchive()
    messages.success(request, _("%(name)s is back in your active network.") % {"name": contact})
    return redirect(contact)


@login_required
@require_POST
def contact_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    actions.move_to_bin(contact)
    messages.success(
        request,
        _("%(name)s was moved to the bin. It stays there %(days)s days before it is deleted.")
        % {"name": contact, "days": actions.bin_retention_days()},
    )
    return redirect("network:contact-list")


# /network/bin/


@login_required
def bin_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contacts = Contact.objects.in_bin(request.user).order_by("-deleted_at", "pk")
    paginator = Paginator(contacts, CONTACTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "contacts": page.object_list,
        "retention_days": actions.bin_retention_days(),
    }
    return render(request, "network/bin.html", context)


@login_required
@require_POST
def bin_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_binned_contact(request, pk)
    actions.restore_from_bin(contact)
    messages.success(request, _("%(name)s was restored.") % {"name": contact})
    return redirect(contact)


@login_required
@require_POST
def bin_purge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_binned_contact(request, pk)
    name = str(contact)
    contact.delete()
    messages.success(request, _("%(name)s was deleted for good.") % {"name": name})
    return redirect("network:bin")


# /network/contacts/<id>/interactions/new/ and /network/interactions/...


@login_required
def interaction_create(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    contact = _get_contact(request, pk) if pk is not None else None
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    if contact is not None:
        initial["contacts"] = [contact.pk]
    form = InteractionForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        interaction = form.save()
        messages.success(request, _("The interaction was logged."))
        default = contact.get_absolute_url() if contact else reverse("network:contact-list")
        if contact is None and interaction.contacts.count() == 1:
            default = interaction.contacts.get().get_absolute_url()
        return redirect(safe_next(request, default))
    context = {
        "form": form,
        "contact": contact,
        "interaction": None,
        "next": safe_next(request, ""),
    }
    return render(request, "network/interaction_form.html", context)


@login_required
def interaction_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interaction = _get_interaction(request, pk)
    form = InteractionForm(request.POST or None, instance=interaction, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The interaction was saved."))
        return redirect(safe_next(request, reverse("network:contact-list")))
    context = {
        "form": form,
        "interaction": interaction,
        "contact": None,
        "next": safe_next(request, ""),
    }
    return render(request, "network/interaction_form.html", context)


@login_required
@require_POST
def interaction_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interaction = _get_interaction(request, pk)
    interaction.delete()
    messages.success(request, _("The interaction was deleted."))
    return redirect(safe_next(request, reverse("network:contact-list")))


# /network/contacts/<id>/relationships/new/ and /network/relationships/<id>/delete/


@login_required
def relationship_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact(request, pk)
    form = RelationshipForm(request.POST or None, owner=request.user, contact=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The link was recorded."))
        return redirect(contact)
    return render(request, "network/relationship_form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def relationship_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = _get_relationship(request, pk)
    contact = relationship.from_contact
    relationship.delete()
    messages.success(request, _("The link was removed."))
    return redirect(safe_next(request, contact.get_absolute_url()))


# /network/tags/


@login_required
def tag_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TagForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        tag = form.save()
        messages.success(request, _("Tag “%(name)s” created.") % {"name": tag})
        return redirect("network:tag-list")
    tags = Tag.objects.owned_by(request.user).with_contact_counts()
    return render(request, "network/tag_list.html", {"form": form, "tags": tags})


@login_required
def tag_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tag = _get_tag(request, pk)
    form = TagForm(request.POST or None, instance=tag, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Tag “%(name)s” saved.") % {"name": tag})
        return redirect("network:tag-list")
    return render(request, "network/tag_form.html", {"form": form, "tag": tag})


@login_required
@require_POST
def tag_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tag = _get_tag(request, pk)
    name = str(tag)
    tag.delete()
    messages.success(
        request, _("Tag “%(name)s” deleted; the contacts themselves are kept.") % {"name": name}
    )
    return HttpResponseRedirect(reverse("network:tag-list"))
