"""Money as integer cents: reading what people type and showing it with its currency (pure)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "AUD": "A$", "CAD": "C$", "JPY": "¥", "INR": "₹"}
CURRENCIES = ("USD", "EUR", "GBP", "AUD", "CAD", "CHF", "SEK", "NOK", "DKK", "PLN", "INR", "JPY", "BRL", "ZAR")
_CURRENCY = re.compile(r"[A-Z]{3}")
MAX_CENTS = 10**12  # ten billion in any currency: beyond it the number is a typo


def parse_amount(text: str | None) -> int | None:
    """'1,250.50' → 125050 cents; blank → None; ValueError with a message for anything else."""
    text = (text or "").strip().replace(",", "").replace(" ", "")
    for symbol in SYMBOLS.values():
        text = text.removeprefix(symbol)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount; write it like 1250 or 1250.50.") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount; write it like 1250 or 1250.50.")
    if value < 0:
        raise ValueError("An amount cannot be negative.")
    if value >= MAX_CENTS / 100:
        raise ValueError("That amount is too large.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Use at most two decimal places.")
    return int(value * 100)


def check_currency(code: str | None) -> str:
    """A three-letter ISO 4217 code in capitals, or ValueError."""
    code = (code or "").strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise ValueError("A currency is a three-letter code such as USD, EUR or GBP.")
    return code


def cents_to_text(cents: int | None) -> str:
    """125050 → '1250.50' (for form fields)."""
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def format_money(cents: int | None, currency: str = "USD") -> str:
    """125050, 'USD' → '$1,250.50'; other codes as '1,250.50 CHF'; None → '—'."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    number = f"{whole:,}.{part:02d}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
