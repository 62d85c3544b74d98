"""Owner tokens get shorter and gain a band: "owner12x" becomes "o12x o12x5", the member and the
contact's state, then the same with the tie strength (``documents.owner_key``, ``band_key``),
so that PostgreSQL reads a member's matches one band of the rank key at a time and stops at a
page, rather than reading every match's row to sort them by rank key."""

from importlib import import_module

from django.db import migrations

rank_key_0010 = import_module("entregent.network.migrations.0010_search_rank_key_owner")

# The state is the old key's last letter; the rank key holds (5 - tie strength) from bit 37
# (documents.STRENGTH_SHIFT).
STATE = "'o' || CAST(owner_id AS VARCHAR(12)) || substr(owner_key, length(owner_key), 1)"
FILL = f"""
    UPDATE network_searchdocument
    SET owner_key = {STATE} || ' ' || {STATE} || CAST(5 - ((rank_key >> 37) & 7) AS VARCHAR(1))
"""
# Back to "owner12x": the state is the letter before the band's digit.
UNFILL = """
    UPDATE network_searchdocument SET owner_key = 'owner' || CAST(owner_id AS VARCHAR(12))
        || substr(owner_key, length(owner_key) - 1, 1)
"""


class Migration(migrations.Migration):
    dependencies = [("network", "0010_search_rank_key_owner")]

    operations = [migrations.RunPython(rank_key_0010.refill(FILL), rank_key_0010.refill(UNFILL))]
