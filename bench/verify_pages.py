"""Throughput of the link verifier over a corpus of HTML pages, against parsing the same bytes alone."""

# Usage: .venv/bin/python bench/verify_pages.py [--dir DIR] [--pages N] [--reps R] [--seed S]
# Without --dir a realistic corpus (30-200 KB pages with navigation, sidebar, footer, comments and
# 50-300 links) is generated into a temporary directory. Prints one JSON object.

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import selectolax  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from crm.links.verifier import verify  # noqa: E402
from crm.net import domains, matching, urls  # noqa: E402
from crm.net.result import FetchResult  # noqa: E402

TARGET = "https://www.shop.com/running-shoes/"
WORDS = (
    "marathon", "training", "plan", "runner", "pace", "interval", "tempo", "recovery", "shoe", "cushion",
    "trail", "road", "mile", "race", "hydration", "stretch", "injury", "coach", "nutrition", "carbohydrate",
    "protein", "sleep", "week", "long", "easy", "speed", "hill", "strength", "core", "form", "cadence",
    "heart", "rate", "zone", "taper",
)


def _sentence(rnd: random.Random) -> str:
    words = rnd.choices(WORDS, k=rnd.randint(8, 22))
    return " ".join(words).capitalize() + "."


def _paragraph(rnd: random.Random, links: list[tuple[str, str]]) -> str:
    parts = [_sentence(rnd) for _ in range(rnd.randint(3, 7))]
    for href, rel in links:
        rel_attr = f' rel="{rel}"' if rel else ""
        anchor = " ".join(rnd.choices(WORDS, k=3))
        parts.insert(rnd.randint(0, len(parts)), f'<a href="{href}"{rel_attr}>{anchor}</a>')
    return "<p>" + " ".join(parts) + "</p>"


def make_page(rnd: random.Random, index: int) -> tuple[str, bytes]:
    """One blog post page of a made-up site: its URL and HTML bytes."""
    site = f"https://www.site{index}.example"
    size_goal = rnd.randint(24_000, 190_000)  # the head, chrome and markup add the rest
    link_goal = rnd.randint(50, 300)
    nav = "".join(f'<li class="menu-item"><a href="/{w}/">{w.title()}</a></li>' for w in rnd.sample(WORDS, 12))
    footer = "".join(f'<a href="{site}/page/{i}">Page {i}</a> ' for i in range(20))
    widgets = "".join(f'<li><a href="https://partner{rnd.randint(0, 999)}.example/{i}">Partner {i}</a></li>'
                      for i in range(15))
    used = 12 + 20 + 15
    body_links: list[tuple[str, str]] = []
    for i in range(max(link_goal - used, 10)):
        roll = rnd.random()
        if roll < 0.4:
            body_links.append((f"/{rnd.choice(WORDS)}/{i}", ""))
        elif roll < 0.9:
            body_links.append((f"https://news{rnd.randint(0, 5000)}.example/{rnd.choice(WORDS)}?id={i}", "noopener"))
        else:
            body_links.append((f"//cdn.site{index}.example/{i}.html", ""))
    if rnd.random() < 0.7:
        body_links.append((TARGET, rnd.choice(["", "nofollow", "sponsored noopener"])))
    head = (f'<head><meta charset="utf-8"><title>{_sentence(rnd)}</title><link rel="canonical" href="{site}/post/'
            f'{index}"><style>{"body{margin:0}" * 200}</style><script>{"var a=1;" * 300}</script></head>')
    # About 600 bytes of prose per paragraph; links are spread over the paragraphs at random.
    paragraphs = max(size_goal // 600, 5)
    placed: list[list[tuple[str, str]]] = [[] for _ in range(paragraphs)]
    for link in body_links:
        placed[rnd.randrange(paragraphs)].append(link)
    chunks = [_paragraph(rnd, links) for links in placed]
    comments = "".join(f'<li class="comment"><p>{_sentence(rnd)}</p><a href="https://commenter{i}.example/">me</a>'
                       f"</li>" for i in range(5))
    html = (f'<!doctype html><html lang="en">{head}<body><header class="site-header"><nav><ul>{nav}</ul></nav>'
            f'</header><main><article><h1>{_sentence(rnd)}</h1><div class="entry-content">{"".join(chunks)}</div>'
            f'</article><div id="comments"><ol class="commentlist">{comments}</ol></div></main>'
            f'<aside class="sidebar"><div class="widget"><ul>{widgets}</ul></div></aside>'
            f'<footer class="site-footer">{footer}</footer></body></html>')
    return f"{site}/post/{index}", html.encode("utf-8")


def generate_corpus(directory: Path, pages: int, seed: int) -> None:
    """Write generated pages as pageNNNN.html, each with its URL in pageNNNN.url."""
    rnd = random.Random(seed)
    for i in range(pages):
        url, body = make_page(rnd, i)
        (directory / f"page{i:04d}.html").write_bytes(body)
        (directory / f"page{i:04d}.url").write_text(url)


def load_corpus(directory: Path) -> list[tuple[str, bytes]]:
    """Pages as (url, bytes) from a directory of .html files; a sibling .url file gives a page's address."""
    corpus = []
    for path in sorted(directory.rglob("*.htm*")):
        url_file = path.with_suffix(".url")
        url = url_file.read_text().strip() if url_file.exists() else f"https://bench.example/{path.name}"
        corpus.append((url, path.read_bytes()))
    return corpus


def _clear_caches() -> None:
    # Each repetition starts cold, like a worker meeting new sites, rather than replaying memoised URLs.
    for cached in (urls.join, urls.normalise, matching._key, urls.site_of_host, domains.registrable_domain):
        cached.cache_clear()


def _time(runs, reps: int) -> tuple[list[list[float]], list[list[float]]]:
    """Wall and CPU timings of each run, taken in turns so that both meet the same load on a shared machine."""
    for run in runs:
        run()
    wall: list[list[float]] = [[] for _ in runs]
    cpu: list[list[float]] = [[] for _ in runs]
    for _ in range(reps):
        for index, run in enumerate(runs):
            _clear_caches()
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall[index].append(time.perf_counter() - start)
            cpu[index].append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    """Run both measurements and print the figures as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="directory of .html files (default: generate)")
    parser.add_argument("--pages", type=int, default=60, help="pages to generate without --dir")
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions; medians are reported")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    if args.dir is None:
        with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
            generate_corpus(Path(tmp), args.pages, args.seed)
            corpus = load_corpus(Path(tmp))
    else:
        corpus = load_corpus(args.dir)
    sizes = sorted(len(body) for _, body in corpus)
    fetched = [FetchResult(url=url, final_url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                           body=body) for url, body in corpus]
    total_mb = sum(len(body) for _, body in corpus) / 1e6
    statuses = Counter(verify(page, TARGET).status for page in fetched)
    link_counts = [len(LexborHTMLParser(body).css("a[href]")) for _, body in corpus]

    def run_verify() -> None:
        # The whole verdict, as `links verify` prints it and a recheck stores it.
        for page in fetched:
            verify(page, TARGET)

    def run_parse() -> None:
        for _, body in corpus:
            LexborHTMLParser(body)

    (verify_times, parse_times), (verify_cpu, parse_cpu) = _time([run_verify, run_parse], args.reps)
    verify_s, parse_s = statistics.median(verify_times), statistics.median(parse_times)
    ratio = statistics.median(v / p for v, p in zip(verify_times, parse_times, strict=True))
    figures = {
        "benchmark": "verify_pages",
        "corpus": str(args.dir) if args.dir else "generated",
        "pages": len(corpus),
        "corpus_mb": round(total_mb, 2),
        "page_kb": {"min": round(sizes[0] / 1000, 1), "median": round(statistics.median(sizes) / 1000, 1),
                    "max": round(sizes[-1] / 1000, 1)},
        "links_per_page_median": statistics.median(link_counts),
        "reps": args.reps,
        "verify": {"seconds_median": round(verify_s, 4), "pages_per_s": round(len(corpus) / verify_s, 1),
                   "mb_per_s": round(total_mb / verify_s, 2)},
        "parse_only": {"seconds_median": round(parse_s, 4), "pages_per_s": round(len(corpus) / parse_s, 1),
                       "mb_per_s": round(total_mb / parse_s, 2)},
        "verify_time_over_parse_time": round(verify_s / parse_s, 2),
        "verify_time_over_parse_time_per_rep_median": round(ratio, 2),
        # CPU time is what the work costs; wall time on a busy machine also counts the waits for a CPU.
        "cpu_seconds_median": {"verify": round(statistics.median(verify_cpu), 4),
                               "parse_only": round(statistics.median(parse_cpu), 4)},
        "verify_cpu_over_parse_cpu": round(statistics.median(verify_cpu) / statistics.median(parse_cpu), 2),
        "goal_verify_time_over_parse_time_at_most": 2.0,
        "statuses": dict(statuses),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(), "python": platform.python_version(),
                    "selectolax": getattr(selectolax, "__version__", "unknown")},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
