"""/methods/<slug>/feed.atom: a public method's published versions and progress reports, for
feed readers.

Feed readers have no session: only public methods have a feed. A members-only method's feed
is 404 for everyone, logged in or not, so that no reader ever caches a members' text. A
report's entry carries its text and the verdicts it quotes in words, from its frozen figures:
the same figures as its page, so the rules of small numbers hold here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.utils.translation import override

from entregent.lib.markdown import render_markdown
from entregent.method import reports
from entregent.method.models import Method, StepVersion
from entregent.method.templatetags.methods import plain_text

ENTRIES = 50

Item = StepVersion | reports.Listed


class MethodFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Method:
        method = Method.objects.filter(slug=slug, visibility=Method.Visibility.PUBLIC).first()
        if method is None:
            raise Http404
        return method

    def get_feed(self, obj: Method, request: HttpRequest) -> SyndicationFeed:
        # In the method's language (its titles are written in it), whatever the reader's.
        with override(obj.language):
            feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language
        return feed

    def title(self, obj: Method) -> str:
        return obj.title

    def subtitle(self, obj: Method) -> str:
        return plain_text(obj.description, 300) or _(
            "New versions of the method’s steps, and its progress reports."
        )

    def link(self, obj: Method) -> str:
        return settings.SITE_URL + obj.get_absolute_url()

    def feed_url(self, obj: Method) -> str:
        return settings.SITE_URL + obj.get_absolute_url() + "feed.atom"

    def items(self, obj: Method) -> list[Item]:
        versions = list(
            StepVersion.objects.published()
            .filter(step__method=obj)
            .select_related("step__method")
            .order_by("-published_at", "-pk")[:ENTRIES]
        )
        # Each report with what it quotes, read once for them all.
        entries: list[Item] = [*versions, *reports.listed(obj, limit=ENTRIES)]
        entries.sort(key=_published_at, reverse=True)
        return entries[:ENTRIES]

    def item_title(self, item: Item) -> str:
        if isinstance(item, reports.Listed):
            return _("Progress report: %(title)s") % {"title": item.report.title}
        return _("Step %(step)d, version %(version)d: %(title)s") % {
            "step": item.step.number,
            "version": item.number,
            "title": item.title,
        }

    def item_description(self, item: Item) -> str:
        if isinstance(item, reports.Listed):
            return render_to_string(
                "method/report_feed.html", {"report": item.report, "steps": item.steps}
            )
        return render_markdown(item.recommendation)

    def item_link(self, item: Item) -> str:
        if isinstance(item, reports.Listed):
            return settings.SITE_URL + reports.url(item.report)
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item: Item) -> dt.datetime | None:
        if isinstance(item, reports.Listed):
            return item.report.published_at
        return item.published_at

    def item_updateddate(self, item: Item) -> dt.datetime | None:
        if isinstance(item, reports.Listed):
            # Its text corrected after publication: readers show it again.
            report = item.report
            return report.updated_at if reports.was_edited(report) else report.published_at
        # When its state last moved (closed, validated, superseded): readers show it again.
        moments = [
            m
            for m in (item.published_at, item.closed_at, item.validated_at, item.superseded_at)
            if m is not None
        ]
        return max(moments) if moments else item.updated_at

    def item_extra_kwargs(self, item: Item) -> dict[str, Any]:
        return {}


def _published_at(item: Item) -> tuple[dt.datetime, int]:
    """Newest first, versions and reports together."""
    if isinstance(item, reports.Listed):
        return (item.report.published_at or item.report.created_at, item.report.pk)
    return (item.published_at or item.created_at, item.pk)
