"""/methods/...: the open formats, a version's feedback in Polis' CSV shapes (see urls.py).

Two path segments after the version, so that urls_steps' ``v<k>/<action>/`` never takes them.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from entregent.method import views_polis

urlpatterns: list[URLPattern] = [
    # /methods/<slug>/steps/<n>/v<k>/export/<table>.csv (comments, votes, participants-votes)
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/export/<slug:table>.csv",
        views_polis.polis_export,
        name="polis-export",
    ),
    # /methods/<slug>/steps/<n>/v<k>/import/polis/ (and the export links)
    path(
        "<slug:slug>/steps/<int:number>/v<int:version>/import/polis/",
        views_polis.polis_import,
        name="polis-import",
    ),
]
