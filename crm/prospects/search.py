"""The sites list's search box: a domain fragment, a note, a tag or a contact's email, found through an index.

SQLite reads the trigram FTS5 table `site_search` (one row per site, kept in step by the triggers of migration
search_1); PostgreSQL runs ILIKE over pg_trgm GIN indexes. The text is always taken literally: FTS syntax
(quotes, `*`, `NEAR`, `-`) and LIKE wildcards match themselves. A trigram needs three characters, so shorter
text matches the start of the domain instead.
"""

from __future__ import annotations

from sqlalchemy import column, select, table, text, union

from crm.prospects.models import Contact, Site, Tag, site_tag

MIN_SUBSTRING = 3  # characters of a trigram: shorter text cannot be looked up inside words
_search_table = table("site_search", column("rowid"))


def escape_like(value: str) -> str:
    """Text for a LIKE pattern with backslash as the escape, its wildcards taken literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(value: str) -> str:
    """The text as one FTS5 string: inside double quotes every character is literal (quotes are doubled)."""
    return '"' + value.replace('"', '""') + '"'


def condition(workspace_id: int, q: str, dialect: str):
    """The WHERE clause for sites whose domain, notes, tags or contact emails contain `q` (any case)."""
    if len(q) < MIN_SUBSTRING:
        # The (workspace_id, domain) index serves the range; LIKE keeps it exact whatever the collation.
        return Site.domain.like(escape_like(q) + "%", escape="\\") & (Site.domain >= q)
    if dialect == "sqlite":
        matches = select(_search_table.c.rowid).where(
            text("site_search MATCH :search_phrase").bindparams(search_phrase=fts_phrase(q)))
        return Site.id.in_(matches)
    pattern = f"%{escape_like(q)}%"  # backslash is PostgreSQL's default LIKE escape, which pg_trgm understands
    return Site.id.in_(union(
        select(Site.id).where(Site.workspace_id == workspace_id, Site.domain.ilike(pattern) | Site.notes.ilike(
            pattern)),
        select(Contact.site_id).where(Contact.workspace_id == workspace_id, Contact.email.ilike(pattern)),
        select(site_tag.c.site_id).join(Tag, Tag.id == site_tag.c.tag_id).where(
            Tag.workspace_id == workspace_id, Tag.name.ilike(pattern)),
    ))
