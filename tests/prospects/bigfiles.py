"""Large Ahrefs-style backlinks exports (UTF-16, tabs) written by the tests, spanning several write batches."""

from __future__ import annotations

from collections.abc import Iterable

HEADER = ("Referring page title", "Referring page URL", "Domain rating", "UR", "Domain traffic", "Target URL",
          "Anchor", "Type", "Nofollow", "UGC", "Sponsored", "Lost status", "First seen", "Last seen", "Lost")


def link_row(number: int, *, sites: int = 500, dr: int | str = 40, anchor: str = "widget guide",
             target: str = "https://shop.example/widgets/", lost: bool = False) -> tuple[str, ...]:
    """One backlink row: page `number` on site number % sites."""
    page = f"https://www.site{number % sites}-example.com/post-{number}/"
    return (f"Post {number}", page, str(dr), "12", "3400", target, anchor, "text", "false", "false", "false",
            "lost" if lost else "", "2024-02-11 08:14:52", "2025-06-03 21:40:10",
            "2025-05-01 00:00:00" if lost else "")


def export(rows: Iterable[tuple[str, ...]]) -> bytes:
    """An Ahrefs backlinks export of these rows, as Ahrefs writes it (UTF-16 with a BOM, tabs, quoted cells)."""
    lines = ["\t".join(f'"{cell}"' for cell in HEADER)]
    lines += ["\t".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")
