"""Security headers, the Content-Security-Policy, trusting a reverse proxy when told to, and safe redirects."""

from __future__ import annotations

import unicodedata

from ada_url import URL, join_url
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: every script and stylesheet is a file we serve.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A host nobody can own: a target resolved against it that ends up elsewhere leaves our site.
_OWN_ORIGIN = "http://origin.invalid"


def _has_control(text: str) -> bool:
    """Any control or invisible formatting character (tab, CR, LF, NUL, DEL, C1, bidi and zero-width marks)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def safe_next(target: object, default: str) -> str:
    """Where to go after an action: `target` when a browser would read it as a path on this site, else `default`.

    The target is resolved by the WHATWG rules browsers apply to a Location header (they drop tab, CR and LF
    and read a backslash as a slash), and what is returned is that resolution's own path, so the header we
    send is plain ASCII and means exactly what was checked.
    """
    if not isinstance(target, str) or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    if _has_control(target):
        return default
    try:
        resolved = URL(join_url(_OWN_ORIGIN + "/", target))
    except (ValueError, UnicodeError):
        return default
    if resolved.origin != _OWN_ORIGIN or not resolved.pathname.startswith("/"):
        return default
    return resolved.pathname + resolved.search + resolved.hash


HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Add the headers to every response; honour X-Forwarded-* from PROXY_COUNT proxies."""
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def add_security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "Cache-Control" not in response.headers and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"  # pages hold client data; keep them out of caches
        return response
