"""The sites list's search box: a domain fragment, a note, a tag or a contact's email, found through an index.

SQLite reads the trigram FTS5 table `site_search` (one row per site, kept in step by the triggers of migration
search_1); PostgreSQL runs ILIKE over pg_trgm GIN indexes. The text is always taken literally: FTS syntax
(quotes, `*`, `NEAR`, `-`) and LIKE wildcards match themselves. A trigram needs three characters, so shorter
text matches the start of the domain instead.

On SQLite the cost of a search follows the number of matches, and three shapes keep it small:

- counting joins the site rows to the FTS matches as they stream out, so a capped count stops early;
- a page of a search with few matches (the count was not capped) sorts the ids the count read, without a
  second pass over the index;
- a page of a broad search (more matches than the count's cap) walks the sort column's index instead, checking
  each site's search document with LIKE until the page is full: with that many matches it fills within a few
  hundred rows. LIKE folds ASCII case only, as the trigram index folds all case, so text with other characters
  keeps the index lookup.
"""

from __future__ import annotations

from sqlalchemy import Select, column, exists, func, select, table, text, union

from crm.prospects.models import Contact, Site, Tag, site_tag

MIN_SUBSTRING = 3  # characters of a trigram: shorter text cannot be looked up inside words
_search_table = table("site_search", column("rowid"))
_documents = table("site_search_content", column("id"), column("c0"))  # FTS5's own copy of each document


def escape_like(value: str) -> str:
    """Text for a LIKE pattern with backslash as the escape, its wildcards taken literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(value: str) -> str:
    """The text as one FTS5 string: inside double quotes every character is literal (quotes are doubled)."""
    return '"' + value.replace('"', '""') + '"'


def _match():
    return text("site_search MATCH :search_phrase")


def uses_index(q: str, dialect: str) -> bool:
    """True when `q` is looked up in SQLite's trigram index (rather than as a domain prefix or on PostgreSQL)."""
    return dialect == "sqlite" and len(q) >= MIN_SUBSTRING


def join_matches(statement: Select, q: str) -> Select:
    """`statement` over sites, reading the index's matches first: a LIMIT then stops the lookup early.

    Only for `uses_index` text; the caller leaves the search out of its WHERE clause.
    """
    return statement.select_from(_search_table).join(Site, Site.id == _search_table.c.rowid).where(
        _match().bindparams(search_phrase=fts_phrase(q)))


def among(site_ids: str):
    """The WHERE clause for sites among these ids (those a search's count read), a JSON array in one parameter."""
    ids = func.json_each(site_ids).table_valued("value")
    return Site.id.in_(select(ids.c.value))


def condition(workspace_id: int, q: str, dialect: str, *, broad: bool = False):
    """The WHERE clause for sites whose domain, notes, tags or contact emails contain `q` (any case).

    `broad` says the search matches more sites than a count reads, so a page is read along the sort index.
    """
    if len(q) < MIN_SUBSTRING:
        # The (workspace_id, domain) index serves the range; LIKE keeps it exact whatever the collation.
        return Site.domain.like(escape_like(q) + "%", escape="\\") & (Site.domain >= q)
    pattern = f"%{escape_like(q)}%"  # backslash is PostgreSQL's default LIKE escape, which pg_trgm understands
    if dialect == "sqlite" and broad and q.isascii():
        return exists().where(_documents.c.id == Site.id, _documents.c.c0.like(pattern, escape="\\"))
    if dialect == "sqlite":
        return Site.id.in_(select(_search_table.c.rowid).where(_match().bindparams(search_phrase=fts_phrase(q))))
    return Site.id.in_(union(
        select(Site.id).where(Site.workspace_id == workspace_id, Site.domain.ilike(pattern) | Site.notes.ilike(
            pattern)),
        select(Contact.site_id).where(Contact.workspace_id == workspace_id, Contact.email.ilike(pattern)),
        select(site_tag.c.site_id).join(Tag, Tag.id == site_tag.c.tag_id).where(
            Tag.workspace_id == workspace_id, Tag.name.ilike(pattern)),
    ))
