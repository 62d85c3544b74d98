"""Ask my network: full-text search over a member's own contacts (see engine.py)."""

from __future__ import annotations

from entregent.network.search.documents import reindex_contacts, reindex_owner
from entregent.network.search.engine import Hit, Results, search

__all__ = ["Hit", "Results", "reindex_contacts", "reindex_owner", "search"]
