"""Template filters for report figures: money from cents, shares as percentages, averages; "—" when unknown;
and the "how we count this" notes."""

from __future__ import annotations

from flask import Flask

from crm.campaigns import definitions

DASH = "—"


def money(cents: float | None, currency: str = "") -> str:
    """Cents as "1,234.50 USD"."""
    if cents is None:
        return DASH
    text = f"{cents / 100:,.2f}"
    return f"{text} {currency}".strip()


def percent(share: float | None) -> str:
    """0.25 as "25%", 1/3 as "33.3%"."""
    if share is None:
        return DASH
    text = f"{share * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def number(value: float | None, digits: int = 1) -> str:
    """A mean as "54.5" (whole numbers without decimals)."""
    if value is None:
        return DASH
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def init_app(app: Flask) -> None:
    """Register the filters under report_* names."""
    app.jinja_env.filters["report_money"] = money
    app.jinja_env.filters["report_percent"] = percent
    app.jinja_env.filters["report_number"] = number
    app.jinja_env.globals["headline_note"] = definitions.note
