"""/methods/<slug>/feed.atom: a public method's published versions, for feed readers.

Feed readers have no session: only public methods have a feed. A members-only method's feed
is 404 for everyone, logged in or not, so that no reader ever caches a members' text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.utils.translation import override

from entregent.lib.markdown import render_markdown
from entregent.method.models import Method, StepVersion
from entregent.method.templatetags.methods import plain_text

ENTRIES = 50


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
        return plain_text(obj.description, 300) or _("New versions of the method’s steps.")

    def link(self, obj: Method) -> str:
        return settings.SITE_URL + obj.get_absolute_url()

    def feed_url(self, obj: Method) -> str:
        return settings.SITE_URL + obj.get_absolute_url() + "feed.atom"

    def items(self, obj: Method) -> list[StepVersion]:
        return list(
            StepVersion.objects.published()
            .filter(step__method=obj)
            .select_related("step__method")
            .order_by("-published_at", "-pk")[:ENTRIES]
        )

    def item_title(self, item: StepVersion) -> str:
        return _("Step %(step)d, version %(version)d: %(title)s") % {
            "step": item.step.number,
            "version": item.number,
            "title": item.title,
        }

    def item_description(self, item: StepVersion) -> str:
        return render_markdown(item.recommendation)

    def item_link(self, item: StepVersion) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item: StepVersion) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: StepVersion) -> dt.datetime | None:
        # When its state last moved (closed, validated, superseded): readers show it again.
        moments = [
            m
            for m in (item.published_at, item.closed_at, item.validated_at, item.superseded_at)
            if m is not None
        ]
        return max(moments) if moments else item.updated_at

    def item_extra_kwargs(self, item: StepVersion) -> dict[str, Any]:
        return {}
