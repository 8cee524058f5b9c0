"""search: substring search over sites' domains, notes, tags and contact emails, index-backed

Revision ID: search_1
Revises: reports_1
Create Date: 2026-12-07 04:00:00

SQLite gets an FTS5 table with the trigram tokenizer, one row per site (rowid = site.id) holding the site's
domain, notes, contact emails and tag names on separate lines. SQL triggers keep it in step with every write of
those rows, bulk imports and table-level merges included (a service-level hook would miss them). PostgreSQL gets
pg_trgm GIN indexes, so `ILIKE '%q%'` on the same columns is index-backed.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'search_1'
down_revision = "audit_1"
branch_labels = None
depends_on = None

TRGM_INDEXES = (("ix_site_domain_trgm", "site", "domain"), ("ix_site_notes_trgm", "site", "notes"),
                ("ix_contact_email_trgm", "contact", "email"), ("ix_tag_name_trgm", "tag", "name"))

# The search document of the site whose id is {site}: its fields on separate lines, so no match spans two.
DOCUMENT = (
    "SELECT s.id, s.domain || char(10) || coalesce(s.notes, '') || char(10) || "
    "coalesce((SELECT group_concat(c.email, char(10)) FROM contact c WHERE c.site_id = s.id), '') || char(10) || "
    "coalesce((SELECT group_concat(t.name, char(10)) FROM site_tag st JOIN tag t ON t.id = st.tag_id "
    "WHERE st.site_id = s.id), '') FROM site s"
)


def _refresh(site: str) -> str:
    """Statements that rewrite the search row of one site (and drop it when the site is gone)."""
    return (f"DELETE FROM site_search WHERE rowid = {site}; "
            f"INSERT INTO site_search (rowid, doc) {DOCUMENT} WHERE s.id = {site};")


TRIGGERS = {
    "site_search_site_insert": ("AFTER INSERT ON site", _refresh("new.id")),
    "site_search_site_update": ("AFTER UPDATE OF domain, notes ON site", _refresh("new.id")),
    "site_search_site_delete": ("AFTER DELETE ON site", "DELETE FROM site_search WHERE rowid = old.id;"),
    "site_search_contact_insert": ("AFTER INSERT ON contact", _refresh("new.site_id")),
    "site_search_contact_update": ("AFTER UPDATE OF email, site_id ON contact",
                                   _refresh("old.site_id") + " " + _refresh("new.site_id")),
    "site_search_contact_delete": ("AFTER DELETE ON contact", _refresh("old.site_id")),
    "site_search_tagged": ("AFTER INSERT ON site_tag", _refresh("new.site_id")),
    "site_search_untagged": ("AFTER DELETE ON site_tag", _refresh("old.site_id")),
    "site_search_tag_renamed": (
        "AFTER UPDATE OF name ON tag",
        "DELETE FROM site_search WHERE rowid IN (SELECT site_id FROM site_tag WHERE tag_id = new.id); "
        f"INSERT INTO site_search (rowid, doc) {DOCUMENT} "
        "WHERE s.id IN (SELECT site_id FROM site_tag WHERE tag_id = new.id);",
    ),
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in TRGM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")
        return
    op.execute("CREATE VIRTUAL TABLE site_search USING fts5(doc, tokenize = 'trigram')")
    op.execute(f"INSERT INTO site_search (rowid, doc) {DOCUMENT}")  # the sites written before this revision
    for name, (when, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW BEGIN {body} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _, _ in TRGM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        return  # the extension stays: other databases of the server may use it
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS site_search")
