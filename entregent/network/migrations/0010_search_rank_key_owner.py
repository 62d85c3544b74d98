"""The rank key leads with the owner and where the contact stands (``documents.rank_key``), so
that a member's active contacts are one range of SQLite's FTS5 rowids: the search reads that
range instead of matching an owner phrase, which bm25 counted in full at every query (5 ms at
100,000 contacts). PostgreSQL orders by the same key within one owner, as before.
"""

from importlib import import_module
from typing import Any

from django.db import migrations

rank_key_0009 = import_module("entregent.network.migrations.0009_search_rank_key")

# owner << 42 | state << 40 | (5 - tie strength) << 37 | contact id, as documents.rank_key()
# computes it, in arithmetic both databases share. The state is the owner key's last letter
# (x active, a archived, b in the bin, p pending).
FILL = """
    UPDATE network_searchdocument SET rank_key = contact_id
        + 137438953472 * (5 - COALESCE(
            (SELECT c.tie_strength FROM network_contact c WHERE c.id = contact_id), 0))
        + 1099511627776 * (CASE substr(owner_key, length(owner_key), 1)
            WHEN 'x' THEN 0 WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 3 END)
        + 4398046511104 * owner_id
"""
# Back to (5 - tie strength) << 40 | contact id.
UNFILL = rank_key_0009.FILL


def refill(fill: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        sqlite = schema_editor.connection.vendor == "sqlite"
        if sqlite:
            # Rebuilt once at the end rather than through the triggers, row by row.
            for statement in rank_key_0009.DROP_FTS:
                schema_editor.execute(statement)
        schema_editor.execute(fill)
        if sqlite:
            for statement in rank_key_0009.create_fts("rank_key", main_table=True):
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("network", "0009_search_rank_key")]

    operations = [migrations.RunPython(refill(FILL), refill(UNFILL))]
