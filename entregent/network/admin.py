"""The network in the Django admin, for operators: support and repairs, not browsing.

Members' networks are private; the admin lists them by owner and id, with search on the owner's
email only, so that an operator answering a support request finds the rows without reading
through people's contacts.
"""

from __future__ import annotations

from django.contrib import admin

from entregent.network.models import Contact, ContactPoint, Interaction, Relationship, Tag


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0
    fields = ("kind", "label", "raw", "value")
    readonly_fields = ("value",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "display_name", "source", "archived_at", "deleted_at")
    list_filter = ("source",)
    search_fields = ("owner__email",)
    raw_id_fields = ("owner", "introduced_by")
    filter_horizontal = ("tags",)
    inlines = [ContactPointInline]
    readonly_fields = ("last_interaction_on", "created_at", "updated_at")


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "occurred_on", "kind")
    list_filter = ("kind",)
    search_fields = ("owner__email",)
    raw_id_fields = ("owner", "contacts")
    date_hierarchy = "occurred_on"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "name")
    search_fields = ("owner__email",)
    raw_id_fields = ("owner",)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "from_contact", "kind", "to_contact")
    search_fields = ("owner__email",)
    raw_id_fields = ("owner", "from_contact", "to_contact")
