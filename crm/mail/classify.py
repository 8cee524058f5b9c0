"""Classify an inbound reply as human, out-of-office, unsubscribe or bounce, and say which rule decided.

The order of the rules follows what is safest for the sequence: a delivery report is a bounce whatever
it says; a message a machine marked as automatic is an out-of-office (the person has not read our
mail, so the sequence pauses instead of stopping); a person asking to be left alone is an unsubscribe;
the rest are human replies, which stop the sequence. Only the new text of a reply is read, never the
quoted original, because our own footer (with its unsubscribe link) comes back quoted in most replies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

HUMAN = "human"
OUT_OF_OFFICE = "out_of_office"
UNSUBSCRIBE = "unsubscribe"
BOUNCE = "bounce"


@dataclass(frozen=True)
class Classification:
    """What kind of reply this is, when the sender is back (out-of-office only) and the rule that matched."""

    kind: str
    return_date: date | None = None
    evidence: str = ""


_QUOTE_START = re.compile(
    r"^(?:On\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote:"
    r"|Am\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bschrieb[^\n]{0,100}:"
    r"|Le\b[^\n]{0,200}(?:\n[^\n]{0,200})?\ba écrit\s?:"
    r"|El\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bescribió:"
    r"|-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)"
    r"|(?:From|Von|De|Sent|Gesendet|Envoyé|Enviado)\s?:\s)",
    re.I | re.M,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification \(failure\)|mail delivery (?:failed|failure"
    r"|subsystem)|returned mail|failure notice|delivery failure|unzustellbar|non remis|no se puede entregar)",
    re.I,
)
_BOUNCE_BODY = re.compile(
    r"(?:message could not be delivered|delivery to the following recipients? failed|address couldn'?t be found"
    r"|recipient address rejected|user unknown|mailbox unavailable)",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|auto:|out of (?:the )?office|ooo\b|abwesenheitsnotiz"
    r"|automatische antwort|réponse automatique|absence|respuesta automática|fuera de la oficina)",
    re.I,
)
_UNSUBSCRIBE = re.compile(
    r"\b(?:unsubscribe|remove me|take me off|opt(?:-| )?out|stop (?:e-?mailing|contacting|sending|writing)"
    r"|(?:do not|don'?t|never) (?:e-?mail|contact|write to) (?:me|us)|no more e-?mails"
    r"|remove (?:my|this|our) (?:e-?mail|address)|abmelden|austragen|keine (?:weiteren )?e-?mails"
    r"|nicht mehr (?:kontaktieren|anschreiben)|désabonner|désinscri(?:re|vez)|ne plus recevoir|retirez-moi"
    r"|tragen sie mich (?:bitte )?aus|(?:dar(?:me|se)?|denme|dame|deme) de baja|no me (?:escriba|envíe|envie|contacte)"
    r"|elimin(?:en|ar)me)",
    re.I,
)
_AWAY = re.compile(
    r"\b(?:out of (?:the )?office|on (?:annual |parental |maternity |paternity |sick )?(?:leave|vacation|holidays?"
    r"|pto)|away from (?:the|my) (?:office|desk)|currently away|i am away|i'm away|(?:limited|no) access to"
    r"(?: my)? e-?mail|nicht im büro|abwesend|im urlaub|absente? du bureau|en congé|en vacances|actuellement absente?"
    r"|fuera de la oficina|de vacaciones|ausente)",
    re.I,
)
# an away phrase alone may be a person chatting ("I'm on holiday but happy to help"), and taking a real
# reply for an autoresponder would send a follow-up to someone who answered: so body text alone counts
# only with autoresponder wording too
_AWAY_CONFIRM = re.compile(
    r"\b(?:will (?:respond|reply|get back|answer)|upon my return|on my return|when i(?:'m| am) back|for urgent"
    r"|in urgent|urgent (?:matters|requests|enquiries|inquiries)|please contact|limited access|no access"
    r"|reachable again|bitte wenden|dringend|nach meiner rückkehr|urgence|à mon retour|urgente?"
    r"|a mi (?:regreso|vuelta))",
    re.I,
)


_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4, "sábado": 5, "sabado": 5,
    "domingo": 6,
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_ORD = r"(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?:,?\s+(?:de\s+)?(\d{4}))?"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMERIC = re.compile(r"(?<![\d/.])(?<!\d-)(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2})(?!\d)|(\.))?(?!\d|[/.]\d)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD}(?:\s+of|\s+de)?\s+{_MONTH}{_YEAR}", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}){_ORD}\b{_YEAR}", re.I)
_WEEKDAY_DAY = re.compile(rf"\b{_WEEKDAY},?\s+(?:the\s+)?(\d{{1,2}}){_ORD}(?!\s*(?:of\s+|de\s+)?{_MONTH})", re.I)
_WEEKDAY_ALONE = re.compile(rf"\b{_WEEKDAY}\b(?!,?\s+(?:the\s+)?\d)", re.I)
_TOMORROW = re.compile(r"\b(?:tomorrow|morgen|demain|mañana)\b", re.I)
_NEXT_WEEK = re.compile(r"\b(?:next week|nächste[nr]? woche|la semaine prochaine|la próxima semana)\b", re.I)
_RETURN_WORD = re.compile(
    r"\b(?:back|return|returning|returns|until|till|'til|through|thru|reachable|available again|zurück|wieder|bis|ab"
    r"|retour|jusqu['\u2019]au|à partir du|reviens|rentre|hasta|regreso|regresaré|volveré|vuelta|a partir del)\b",
    re.I,
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(reference: date, month: int, day: int, year: int | None) -> date | None:
    """A day and month on or after the reference date; the stated year when there is one."""
    if year is not None:
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    for candidate_year in (reference.year, reference.year + 1):
        found = _safe_date(candidate_year, month, day)
        if found and found >= reference:
            return found
    return None


def _day_on_weekday(reference: date, weekday: int, day: int) -> date | None:
    """'Monday 7th': the next 7th that is a Monday, else simply the next 7th."""
    first = None
    for months_ahead in range(13):
        month_index = reference.month - 1 + months_ahead
        found = _safe_date(reference.year + month_index // 12, month_index % 12 + 1, day)
        if found is None or found < reference:
            continue
        if found.weekday() == weekday:
            return found
        first = first or found
    return first


def _candidates(text: str, reference: date) -> list[tuple[int, date]]:
    found: list[tuple[int, date | None]] = []
    for m in _ISO.finditer(text):
        found.append((m.start(), _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in _NUMERIC.finditer(text):
        first, sep, second, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if sep == "." and year is None and m.group(5) is None:
            continue  # "10.30" is a time far more often than a date
        year_number = int(year) if year else None
        readings = [_upcoming(reference, second, first, year_number)]  # day first, as most of the world writes
        if sep != ".":
            readings.append(_upcoming(reference, first, second, year_number))  # US month first
        future = sorted(d for d in readings if d and d >= reference)
        found.append((m.start(), future[0] if future else None))
    for m in _DAY_MONTH.finditer(text):
        year = int(m.group(3)) if m.group(3) else None
        found.append((m.start(), _upcoming(reference, _MONTHS[m.group(2).lower()], int(m.group(1)), year)))
    for m in _MONTH_DAY.finditer(text):
        year = int(m.group(3)) if m.group(3) else None
        found.append((m.start(), _upcoming(reference, _MONTHS[m.group(1).lower()], int(m.group(2)), year)))
    for m in _WEEKDAY_DAY.finditer(text):
        found.append((m.start(), _day_on_weekday(reference, _WEEKDAYS[m.group(1).lower()], int(m.group(2)))))
    for m in _WEEKDAY_ALONE.finditer(text):
        ahead = (_WEEKDAYS[m.group(1).lower()] - reference.weekday() - 1) % 7 + 1
        found.append((m.start(), reference + timedelta(days=ahead)))
    found += [(m.start(), reference + timedelta(days=1)) for m in _TOMORROW.finditer(text)]
    found += [(m.start(), reference + timedelta(days=7 - reference.weekday())) for m in _NEXT_WEEK.finditer(text)]
    horizon = reference + timedelta(days=400)
    return sorted((pos, d) for pos, d in found if d is not None and reference <= d <= horizon)


def find_return_date(text: str, received: date | None) -> date | None:
    """The date an out-of-office says its sender is back, relative to when the message arrived."""
    if received is None:
        return None
    candidates = _candidates(text, received)
    if not candidates:
        return None
    for position, found in candidates:
        # the date right after "back", "until", "bis", "hasta"... is the return; others may be the leaving day
        if _RETURN_WORD.search(text, max(0, position - 60), position):
            return found
    return max(found for _, found in candidates)


def _header_map(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> dict[str, str]:
    if headers is None:
        return {}
    pairs = headers.items() if hasattr(headers, "items") else headers
    merged: dict[str, str] = {}
    for name, value in pairs:
        merged.setdefault(str(name).strip().lower(), str(value).strip())
    return merged


def new_text(text: str) -> str:
    """The part of a reply its sender wrote: quoted lines, the quoted original and the signature dropped."""
    match = _QUOTE_START.search(text)
    head = text[: match.start()] if match else text
    lines = []
    for line in head.replace("\r\n", "\n").split("\n"):
        if line.rstrip() == "--":
            break  # signature delimiter
        if not line.lstrip().startswith(">"):
            lines.append(line)
    return "\n".join(lines).strip()


def _bounce_evidence(subject: str, text: str, headers: dict[str, str]) -> str | None:
    content_type = headers.get("content-type", "").lower()
    if content_type.startswith("multipart/report") and "disposition-notification" not in content_type:
        return f"header Content-Type: {headers['content-type']}"
    if "x-failed-recipients" in headers:
        return "header X-Failed-Recipients"
    sender = headers.get("from", "").lower()
    if re.search(r"\b(?:mailer-daemon|postmaster)@", sender):
        return f"sender {headers['from']}"
    if _BOUNCE_SUBJECT.search(subject):
        return f"subject {subject.strip()!r}"
    if match := _BOUNCE_BODY.search(new_text(text)):
        return f"text {match.group(0)!r}"
    return None


def _automatic_evidence(subject: str, headers: dict[str, str]) -> str | None:
    auto = headers.get("auto-submitted", "").lower()
    if auto and auto != "no":
        return f"header Auto-Submitted: {headers['auto-submitted']}"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if name in headers:
            return f"header {name}"
    if headers.get("precedence", "").lower() in {"auto_reply", "bulk", "junk"}:
        return f"header Precedence: {headers['precedence']}"
    if "disposition-notification" in headers.get("content-type", "").lower():
        return "read receipt (multipart/report; disposition-notification)"
    if _AUTO_SUBJECT.search(subject):
        return f"subject {subject.strip()!r}"
    return None


def _as_date(received: date | datetime | None) -> date | None:
    return received.date() if isinstance(received, datetime) else received


def classify_reply(
    subject: str,
    text: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    received: date | datetime | None = None,
) -> Classification:
    """Classify one inbound message; for an out-of-office, find the return date relative to `received`."""
    subject = subject or ""
    text = text or ""
    found = _header_map(headers)
    evidence = _bounce_evidence(subject, text, found)
    if evidence:
        return Classification(BOUNCE, None, evidence)
    fresh = new_text(text)
    reference = _as_date(received)
    evidence = _automatic_evidence(subject, found)
    if evidence:
        return Classification(OUT_OF_OFFICE, find_return_date(f"{subject}\n{fresh}", reference), evidence)
    for source, body in (("subject", subject), ("text", fresh)):
        if match := _UNSUBSCRIBE.search(body):
            return Classification(UNSUBSCRIBE, None, f"{source} {match.group(0)!r}")
    away = _AWAY.search(fresh)
    if away and _AWAY_CONFIRM.search(fresh):
        return Classification(OUT_OF_OFFICE, find_return_date(fresh, reference), f"text {away.group(0)!r}")
    return Classification(HUMAN, None, "no automatic, bounce or unsubscribe sign")
