"""Search documents get a rank key, the order in which the engines read matches (the closest
ties first): SQLite's FTS5 index is rebuilt on it as its rowid, PostgreSQL orders by it.

SQLite also gets a second, smaller FTS5 table over the main fields alone
(``network_search_main``): the first tier of candidates, a direct hit in what they do or who
they are, found without reading the position lists of every other match (a column filter on
the full table read all 28,000 documents holding "salon" to find the 44 that hold it in the
main fields: 11.5 ms against 0.3).
"""

from typing import Any

from django.db import migrations, models

# (5 - tie strength) << 40 | contact id, as documents.rank_key() computes it, written with
# arithmetic both databases share.
FILL = """
    UPDATE network_searchdocument SET rank_key = contact_id + 1099511627776 * (
        5 - COALESCE(
            (SELECT c.tie_strength FROM network_contact c WHERE c.id = contact_id), 0
        )
    )
"""

DROP_FTS = [
    "DROP TRIGGER IF EXISTS network_searchdocument_au",
    "DROP TRIGGER IF EXISTS network_searchdocument_ad",
    "DROP TRIGGER IF EXISTS network_searchdocument_ai",
    "DROP TABLE IF EXISTS network_search_fts",
    "DROP TABLE IF EXISTS network_search_main",
]


def create_fts(rowid: str, main_table: bool) -> list[str]:
    if main_table:
        main = """
        CREATE VIRTUAL TABLE network_search_main USING fts5(
            owner_key, main,
            content='network_searchdocument', content_rowid='rank_key',
            tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
        )
        """
        insert = """
            INSERT INTO network_search_main(rowid, owner_key, main)
            VALUES (new.rank_key, new.owner_key, new.main);"""
        delete = """
            INSERT INTO network_search_main(network_search_main, rowid, owner_key, main)
            VALUES ('delete', old.rank_key, old.owner_key, old.main);"""
        rebuild = ["INSERT INTO network_search_main(network_search_main) VALUES ('rebuild')"]
    else:
        main = insert = delete = ""
        rebuild = []
    return [
        *([main] if main else []),
        f"""
        CREATE VIRTUAL TABLE network_search_fts USING fts5(
            owner_key, main, extra,
            content='network_searchdocument', content_rowid='{rowid}',
            tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
        )
        """,
        f"""
        CREATE TRIGGER network_searchdocument_ai AFTER INSERT ON network_searchdocument BEGIN
            INSERT INTO network_search_fts(rowid, owner_key, main, extra)
            VALUES (new.{rowid}, new.owner_key, new.main, new.extra);{insert}
        END
        """,
        f"""
        CREATE TRIGGER network_searchdocument_ad AFTER DELETE ON network_searchdocument BEGIN
            INSERT INTO network_search_fts(network_search_fts, rowid, owner_key, main, extra)
            VALUES ('delete', old.{rowid}, old.owner_key, old.main, old.extra);{delete}
        END
        """,
        f"""
        CREATE TRIGGER network_searchdocument_au AFTER UPDATE ON network_searchdocument BEGIN
            INSERT INTO network_search_fts(network_search_fts, rowid, owner_key, main, extra)
            VALUES ('delete', old.{rowid}, old.owner_key, old.main, old.extra);{delete}
            INSERT INTO network_search_fts(rowid, owner_key, main, extra)
            VALUES (new.{rowid}, new.owner_key, new.main, new.extra);{insert}
        END
        """,
        "INSERT INTO network_search_fts(network_search_fts) VALUES ('rebuild')",
        *rebuild,
    ]


# PostgreSQL: a GIN index over the main fields' own tsvector, for the same reason: a weight
# restriction ("salon:A") on the whole document's tsvector is checked by reading the tsvector
# of every document that holds the word anywhere (300 ms for "salon" at 100,000 contacts). An
# expression index rather than a stored column: the tsvector is not written twice into every
# row (the index alone answers, tsvector matches need no recheck).
MAIN_TSVECTOR = "(to_tsvector('simple', owner_key) || to_tsvector('simple', main))"
POSTGRES_FORWARD = [
    "CREATE INDEX network_searchdocument_tsv_main ON network_searchdocument "
    f"USING gin ({MAIN_TSVECTOR})",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS network_searchdocument_tsv_main"]


def forward(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(FILL)
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [*DROP_FTS, *create_fts("rank_key", main_table=True)]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [*DROP_FTS, *create_fts("contact_id", main_table=False)]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("network", "0008_backfill_contact_schedules")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="rank_key",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(forward, backward),
    ]
