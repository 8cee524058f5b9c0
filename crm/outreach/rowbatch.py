"""Writing thousands of new rows of one table at once, as a launch does (enrollments, outbox, timeline).

SQLAlchemy's executemany turns each row into the driver's values one by one, calling each column's type for
every value. A launch's rows share most of theirs (the same stamp, sender, status...), so here each column's
driver value is worked out once per distinct value, and the rows go to the driver in one executemany. Column
defaults the rows leave out are filled in once for the whole batch. On databases other than SQLite,
SQLAlchemy's own insertmanyvalues (a few multi-row INSERTs) is already the fast path, so it is used as it is.
"""

from __future__ import annotations

from sqlalchemy import Table, insert

from crm.extensions import db


def _defaults(table: Table, given: set[str]) -> dict:
    """The batch's value for every column with a Python-side default that the rows leave out."""
    found = {}
    for column in table.c:
        default = column.default
        if column.name in given or default is None or not (default.is_scalar or default.is_callable):
            continue
        found[column.name] = default.arg if default.is_scalar else default.arg(None)  # once for the whole batch
    return found


def _driver_values(column, values: list, dialect) -> list:
    """The column's values as the driver takes them, each distinct hashable value converted once."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    try:
        distinct = set(values)
    except TypeError:  # a dict or list (JSON): each converted on its own
        return [process(value) for value in values]
    if len(distinct) == 1:
        return [process(values[0])] * len(values)
    converted = {value: process(value) for value in distinct}
    return list(map(converted.__getitem__, values))


def insert_rows(table: Table, rows: list[dict]) -> None:
    """INSERT every row (dicts with the same keys) in one executemany, in the session's transaction (not committed)."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    extra = _defaults(table, set(names))
    columns = [*names, *extra]
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    order = compiled.positiontup  # every column given or defaulted, so these are column names
    by_name = {name: [row[name] for row in rows] for name in names}
    by_name.update({name: [value] * len(rows) for name, value in extra.items()})
    converted = [_driver_values(table.c[name], by_name[name], dialect) for name in order]
    connection.exec_driver_sql(compiled.string, list(zip(*converted, strict=True)))
