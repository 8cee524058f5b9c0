"""Statuses, reasons and alert kinds in words a marketer understands (the verifier speaks in codes)."""

from __future__ import annotations

# status -> (label, Bootstrap colour, one-line meaning)
STATUS_WORDS: dict[str, tuple[str, str, str]] = {
    "unchecked": ("Not checked yet", "secondary", "This link has not been checked yet."),
    "live": ("Live", "success", "The link is on the page, followed and the page can be indexed."),
    "live_nofollow": ("Live, nofollow", "info", "The link is on the page but tells search engines not to follow it."),
    "not_indexable": ("Not indexable", "warning", "The link is on the page, but search engines are told not to "
                      "index that page, so the link passes little or no value."),
    "missing": ("Missing", "danger", "The page loads but our link is not on it."),
    "wrong_target": ("Wrong target", "danger", "The page links to our site, but not to the page we agreed."),
    "page_error": ("Page error", "danger", "The linking page is gone or broken (for example it answers 404)."),
    "blocked": ("Blocked by robots.txt", "warning", "The site's robots.txt keeps our link checker out, though it lets "
                "Google in: the link could not be checked, and the page may well be indexed."),
    "unverified": ("Could not check", "secondary", "The page could not be read this time (a timeout, a bot wall, "
                   "a busy server). The link keeps its last known status and is checked again soon."),
}

REASON_WORDS: dict[str, str] = {
    # Why a check could not be completed (try again later, never treated as a lost link).
    "timeout": "The page took too long to answer.",
    "robots_unreachable": "The site's robots.txt could not be read (the server is down, refusing or busy), "
                          "so the page was not fetched.",
    "connect_error": "The site's server could not be reached (connection refused or reset).",
    "dns_error": "The site's domain name does not resolve.",
    "too_large": "The page is larger than we read.",
    "not_html": "The address is not a web page (for example a PDF or an image).",
    "not_modified": "The server said the page had not changed but sent no copy of it.",
    "no_response": "The server sent no answer.",
    "http_403": "The site refused our checker (403, often a bot wall). People may still see the page.",
    "http_408": "The server timed out reading our request (408).",
    "http_429": "The site asked us to slow down (429 Too Many Requests).",
    "http_5xx": "The site's server had an error (5xx). It is usually temporary.",
    "http_other": "The server gave an unusual answer.",
    "invalid_target": "The target address is not a valid web address.",
    # Why the page itself is not a working page.
    "http_404": "The linking page no longer exists (404 Not Found).",
    "http_410": "The linking page was deliberately removed (410 Gone).",
    "http_4xx": "The linking page answers with an error (4xx).",
    "http_3xx": "The linking page answers with a redirect that leads nowhere.",
    "invalid_url": "The linking page's address is not a valid web address, or it redirects to one.",
    "blocked_address": "The linking page's address points into a private network, which we never fetch.",
    "too_many_redirects": "The linking page redirects too many times (a redirect loop).",
    "soft_404": "The page says it was not found, or sends readers to the home page (a 'soft 404').",
    "robots_disallowed": "The site's robots.txt forbids Googlebot to crawl this page, so it is not in Google's index.",
    "robots_blocked_us": "The site's robots.txt keeps our link checker out of this page (Googlebot may read it).",
    # What the page tells search engines.
    "redirected": "The address redirects to another page; the link was checked there.",
    "page_noindex": "The page has a 'noindex' robots meta tag: search engines drop it from results.",
    "x_robots_noindex": "The server sends an 'X-Robots-Tag: noindex' header: search engines drop the page.",
    "canonical_elsewhere": "The page names another page as its canonical version, so search engines may "
                           "credit that page instead.",
    "canonical_conflict": "The page declares more than one canonical address.",
    "page_nofollow": "The page's robots meta tag says 'nofollow' for every link on it.",
    "x_robots_nofollow": "The server's X-Robots-Tag header says 'nofollow' for every link on the page.",
    "meta_refresh": "The page sends readers elsewhere with a meta refresh.",
    # About the link itself.
    "no_link": "Our link is not on the page.",
    "wrong_target": "The page links to our site, but to a different page than agreed.",
    "noscript_only": "The link only exists inside <noscript>, which browsers and Google ignore.",
    "nofollow": "The link is marked rel=\"nofollow\".",
    "sponsored": "The link is marked rel=\"sponsored\" (a paid link hint).",
    "ugc": "The link is marked rel=\"ugc\" (user-generated content, such as comments).",
    "hidden_link": "The link is hidden from readers (for example display:none), which search engines distrust.",
    "area_link": "The link is an image-map area rather than a normal link.",
    "empty_anchor": "The link has no visible text and no image alt text.",
    "anchor_mismatch": "The anchor text differs from the one agreed.",
    "rel_mismatch": "The link's rel attribute differs from what was agreed.",
}

PLACEMENT_WORDS = {
    "content": "in the article text",
    "author_bio": "in the author bio",
    "navigation": "in the navigation menu",
    "header": "in the page header",
    "footer": "in the footer",
    "sidebar": "in a sidebar",
    "comments": "in the comments",
    "unknown": "somewhere on the page",
}

# LinkAlert.kind -> a short title for lists and digests.
ALERT_TITLES = {
    "removed": "Link removed",
    "page_gone": "Linking page gone",
    "redirect": "Page now redirects",
    "nofollow_added": "Nofollow added",
    "noindex": "Page no longer indexable",
    "wrong_target": "Link points to the wrong page",
    "blocked": "Page closed to our checker by robots.txt",
    "live": "Link is live",
    "improved": "Link improved",
    "changed": "Link changed",
}

ACQUISITION_WORDS = {
    "natural": "Natural (earned without asking)",
    "outreach": "Outreach",
    "paid": "Paid placement",
    "self_created": "Self-created",
}
SELF_KIND_WORDS = {
    "directory": "Directory listing",
    "forum": "Forum post",
    "comment": "Blog comment",
    "press_release": "Press release",
    "profile": "Profile page",
    "other": "Other",
}
REL_CHOICES = {
    "": "No expectation",
    "follow": "Followed (dofollow)",
    "nofollow": "nofollow",
    "sponsored": "sponsored",
    "ugc": "ugc",
}


def status_label(status: str | None) -> str:
    """The short label of a status."""
    return STATUS_WORDS.get(status or "unchecked", (status or "—", "", ""))[0]


def status_colour(status: str | None) -> str:
    """The Bootstrap colour a status is shown in."""
    return STATUS_WORDS.get(status or "unchecked", ("", "secondary", ""))[1] or "secondary"


def status_meaning(status: str | None) -> str:
    """One sentence saying what a status means."""
    return STATUS_WORDS.get(status or "unchecked", ("", "", ""))[2]


def reason_text(code: str) -> str:
    """A reason code as a sentence; unknown codes are shown as they are."""
    return REASON_WORDS.get(code, code.replace("_", " ").capitalize() + ".")


def alert_title(kind: str) -> str:
    """The title of an alert kind."""
    return ALERT_TITLES.get(kind, kind.replace("_", " ").capitalize())
