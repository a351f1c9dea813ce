"""The full-text index of the knowledge base, on PostgreSQL only (entries/search.py): the same
expression the search uses, so the planner takes it. SQLite has none (its search is a LIKE)."""

from django.db import migrations

INDEX = "knowledge_entry_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON knowledge_knowledgeentry USING gin "
            "(to_tsvector('simple'::regconfig, COALESCE(search_document, '')))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
