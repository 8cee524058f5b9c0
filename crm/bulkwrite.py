"""Bulk inserts for imports, in the caller's transaction: COPY on PostgreSQL, batched executemany on SQLite.

At 100,000 rows the ORM's unit of work (and even Core's per-row parameter handling) would cost more than the
database's own writing, so rows go straight to the driver: values pass through SQLAlchemy's bind processors
for the dialect (UTC timestamps, JSON), constant columns are processed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter

from sqlalchemy import Table, insert

from crm.extensions import db

WRITE_CHUNK = 5000  # rows per executemany
Counter = Callable[[int], None]
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _columns(table: Table, keys: Sequence[str], constants: dict):
    """(names SQL, a function turning a row dict into the driver's parameter tuple) for these columns."""
    dialect = db.session.connection().dialect

    def processor(name):
        """SQLAlchemy's bind processor for a column on this dialect (None when values pass as they are)."""
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    processed = [(i, p) for i, p in enumerate(map(processor, keys)) if p is not None]
    fixed = tuple((processor(k) or (lambda v: v))(v) for k, v in constants.items())
    quote = dialect.identifier_preparer
    names = ", ".join(quote.format_column(table.c[k]) for k in [*keys, *constants])

    pick = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))

    def values(row: dict) -> tuple:
        """One row's parameters, in column order."""
        out = list(pick(row))
        for i, process in processed:
            out[i] = process(out[i])
        return (*out, *fixed)

    def plain(row: dict) -> tuple:
        """One row's parameters, in column order, for columns whose values pass as they are."""
        return pick(row) + fixed

    return names, values if processed else plain


def _copy(table_name: str, names: str, rows: Iterable[tuple]) -> None:
    """PostgreSQL: stream rows into a table with COPY, through the session's own connection (same transaction)."""
    driver = db.session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """Rows in lists of WRITE_CHUNK, so a generator of rows is never held whole."""
    iterator = iter(rows)
    while batch := list(islice(iterator, WRITE_CHUNK)):
        yield batch


def insert_rows(table: Table, rows: Iterable[dict], count: Counter, constants: dict | None = None) -> None:
    """Insert rows (dicts with the same keys; a list or a generator) plus constant columns into a table."""
    connection = db.session.connection()
    dialect = connection.dialect
    constants = constants or {}
    marker = _MARKERS.get(dialect.paramstyle)
    sql, values = "", None
    for part in _batches(rows):
        if marker is None:  # a driver with named parameters: let Core do it
            connection.execute(insert(table), [{**row, **constants} for row in part])
            count(len(part))
            continue
        if values is None:
            names, values = _columns(table, list(part[0]), constants)
            target = dialect.identifier_preparer.format_table(table)
            # Only our own table and column names, quoted by the dialect, go into the text; values are parameters.
            sql = f"INSERT INTO {target} ({names}) VALUES ({', '.join([marker] * (names.count(', ') + 1))})"  # noqa: S608
        if dialect.name == "postgresql":
            _copy(target, names, map(values, part))
        else:
            connection.exec_driver_sql(sql, [values(row) for row in part])
        count(len(part))


def insert_new(table: Table, batches: Iterable[list[dict]], key: Sequence[str], count: Counter,
               constants: dict | None = None) -> int:
    """Insert batches of rows, leaving alone those whose unique key (columns) is taken; returns rows inserted.

    PostgreSQL: each batch is copied into a temporary staging table, then merged with one INSERT ... SELECT
    ... ON CONFLICT DO NOTHING. SQLite: executemany of INSERT ... ON CONFLICT DO NOTHING.
    """
    connection = db.session.connection()
    dialect, quote = connection.dialect, connection.dialect.identifier_preparer
    constants = constants or {}
    target, conflict = quote.format_table(table), ", ".join(quote.quote(k) for k in key)
    inserted, names, values, staging = 0, "", None, ""
    for rows in batches:
        if not rows:
            continue
        if values is None:
            names, values = _columns(table, list(rows[0]), constants)
            if dialect.name == "postgresql":
                staging = quote.quote(f"staging_{table.name}")
                connection.exec_driver_sql(  # the columns only: no constraints, defaults or sequences
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {names} FROM {target} WITH NO DATA")
        if dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {staging}")
            _copy(staging, names, map(values, rows))
            result = connection.exec_driver_sql(
                f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO NOTHING")
            inserted += result.rowcount
        else:
            marker = _MARKERS[dialect.paramstyle]
            sql = (f"INSERT INTO {target} ({names}) VALUES ({', '.join([marker] * (names.count(', ') + 1))}) "  # noqa: S608
                   f"ON CONFLICT ({conflict}) DO NOTHING")
            before = connection.connection.driver_connection.total_changes
            connection.exec_driver_sql(sql, [values(row) for row in rows])
            inserted += connection.connection.driver_connection.total_changes - before
        count(len(rows))
    return inserted
