"""SQLite: an import rewrites the sites' search documents once per written part instead of by a trigger per row.

The search table (FTS5, trigram) is kept in step by triggers; fired once for each inserted site, contact and tag
link they cost more than the rows themselves (about 2.8 s of a 100,000-row export), while one statement over
the part's sites costs a tenth of that. The insert triggers are dropped inside the import's transaction and
created again, from their own stored text, before it commits. SQLite's DDL is transactional and the import
holds the only write lock meanwhile, so no other writer ever sees the triggers missing, and a rollback brings
them back. PostgreSQL's search uses indexes and needs none of this.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

# The triggers an import's inserts fire; the update and delete ones stay (an import fires few of them).
PAUSED = ("site_search_site_insert", "site_search_contact_insert", "site_search_tagged")
_ONE_SITE = "s.id = new.id"
CHUNK = 500  # site ids per statement


def _document_insert(trigger_sql: str) -> str | None:
    """The site insert trigger's INSERT INTO site_search ... statement, up to its one-site condition."""
    body = trigger_sql[trigger_sql.find(" BEGIN ") + 7 : trigger_sql.rfind(" END")]
    insert = next((s.strip() for s in body.split(";") if s.strip().startswith("INSERT INTO site_search")), "")
    return insert[: -len(_ONE_SITE)] if insert.endswith(_ONE_SITE) else None


class SearchSync:
    """Pauses the search triggers for one import's transaction and rewrites the documents of the sites it touched."""

    def __init__(self, connection: Connection) -> None:
        self.connection, self.triggers, self.insert = connection, {}, ""
        if connection.dialect.name != "sqlite":
            return
        marks = ", ".join("?" * len(PAUSED))
        found = dict(connection.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", PAUSED).all())  # noqa: S608
        insert = _document_insert(found.get(PAUSED[0], ""))
        if len(found) != len(PAUSED) or insert is None:
            return  # a schema we do not know: let the triggers do their work
        driver = connection.connection.driver_connection
        if not driver.in_transaction:  # Python's sqlite3 opens no transaction for DDL: without one it would commit
            connection.exec_driver_sql("BEGIN")
        for name in found:
            connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        self.triggers, self.insert = found, insert

    def refresh(self, site_ids: list[int]) -> None:
        """Rewrite the search documents of these sites (after their rows, contacts and tags are written)."""
        if not self.triggers:
            return
        for start in range(0, len(site_ids), CHUNK):
            part = tuple(site_ids[start : start + CHUNK])
            marks = ", ".join("?" * len(part))
            self.connection.exec_driver_sql(f"DELETE FROM site_search WHERE rowid IN ({marks})", part)  # noqa: S608
            self.connection.exec_driver_sql(f"{self.insert}s.id IN ({marks})", part)

    def finish(self) -> None:
        """Create the paused triggers again, as they were (in the same transaction)."""
        for sql in self.triggers.values():
            self.connection.exec_driver_sql(sql)
        self.triggers = {}
