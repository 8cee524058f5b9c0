"""Builders for fetched pages: the FetchResult the fetcher returns for a page serving some HTML."""

from __future__ import annotations

from crm.net.result import FetchResult, Hop

SOURCE = "https://blog.example.org/2024/guest-post"
TARGET = "https://www.shop.com/running-shoes/"


def make_page(html: str | bytes = "", *, url: str = SOURCE, final_url: str | None = None, status: int | None = 200,
              content_type: str | None = "text/html; charset=utf-8", headers: dict | None = None,
              redirects: list[Hop] | None = None, **extra) -> FetchResult:
    """A FetchResult as the fetcher returns it for a page serving this HTML."""
    all_headers = {} if content_type is None else {"content-type": content_type}
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    body = html.encode("utf-8") if isinstance(html, str) else html
    return FetchResult(url=url, final_url=final_url or url, status=status, headers=all_headers, body=body,
                       redirects=list(redirects or []), **extra)


def article(inner: str, *, head: str = "", lang: str = "en") -> str:
    """A realistic blog post page with the given markup inside the article body."""
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Guest post</title>{head}</head>
<body><header class="site-header"><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
<main><article><h1>Ten ways to train for a marathon</h1>
<div class="entry-content"><p>Training for a marathon takes months of steady running and careful planning.</p>
{inner}
<p>Rest days matter as much as long runs for most people.</p></div></article></main>
<aside class="sidebar"><div class="widget"><a href="https://ads.example.net/">Sponsor</a></div></aside>
<footer class="site-footer"><a href="/privacy">Privacy</a></footer></body></html>"""
