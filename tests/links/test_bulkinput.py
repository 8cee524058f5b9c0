"""Reading pasted lines and CSV files of backlinks: what is accepted, and a clear message for each bad row."""

from __future__ import annotations

import pytest

from crm.links.bulkinput import InputError, clean_acquisition, clean_cost, clean_url, parse_csv, parse_pasted


def test_pasted_lines_accept_spaces_tabs_and_commas():
    text = """
    # links won in March
    https://blog.example.org/a/ https://www.shop.com/shoes/
    https://news.example.net/b,https://www.shop.com/boots/
    https://forum.example.com/t/1\thttps://www.shop.com/
    https://blog.example.org/c?x=1,2 , https://www.shop.com/socks/
    """
    parsed = parse_pasted(text)
    assert parsed.errors == []
    assert [(r.source_url, r.target_url) for r in parsed.rows] == [
        ("https://blog.example.org/a/", "https://www.shop.com/shoes/"),
        ("https://news.example.net/b", "https://www.shop.com/boots/"),
        ("https://forum.example.com/t/1", "https://www.shop.com/"),
        ("https://blog.example.org/c?x=1,2", "https://www.shop.com/socks/"),
    ]


def test_pasted_lines_report_every_bad_line_by_number():
    parsed = parse_pasted("https://a.example/x https://shop.com/\nnot-a-url https://shop.com/\n"
                          "https://a.example/y\nftp://files.example/z https://shop.com/")
    assert len(parsed.errors) == 3 and not parsed.rows[1:]
    assert parsed.errors[1] == ("Line 3: expected a source page and a target page separated by a space or a comma, "
                                "found 1 part(s).")
    assert parsed.errors[0].startswith("Line 2: the source page 'not-a-url' is not a web address")
    assert parsed.errors[2].startswith("Line 4: the source page 'ftp://files.example/z' is not a web address")
    assert "http and https only" in parsed.errors[2]


def test_bare_domains_get_https_and_fragments_are_dropped():
    assert clean_url("blog.example.org/post#comments", "x") == "https://blog.example.org/post"
    with pytest.raises(InputError, match="credentials"):
        clean_url("https://user:pw@blog.example.org/", "the source page")


def test_csv_with_optional_columns_and_a_byte_order_mark():
    data = ("\ufeffsource_url,target_url,expected_anchor,acquisition,cost\r\n"
            "https://blog.example.org/a/,https://www.shop.com/shoes/,best  running shoes,paid,$150.50\r\n"
            "https://dir.example.com/n,https://www.shop.com/,,directory,0\r\n"
            "https://news.example.net/b,https://www.shop.com/boots/,,,120 EUR\r\n").encode()
    parsed = parse_csv(data)
    assert parsed.errors == []
    first, second, third = parsed.rows
    assert (first.expected_anchor, first.acquisition, first.cost_cents, first.currency) == (
        "best running shoes", "paid", 15050, "USD")
    assert (second.acquisition, second.self_kind, second.cost_cents) == ("self_created", "directory", 0)
    assert (third.acquisition, third.cost_cents, third.currency) == ("outreach", 12000, "EUR")


def test_csv_rejects_bad_rows_with_line_numbers_and_bad_headers_as_a_whole():
    data = (b"source_url;target_url;acquisition;cost\n"
            b"https://blog.example.org/a/;https://www.shop.com/;bartered;10\n"
            b"https://blog.example.org/b/;https://www.shop.com/;paid;ten dollars\n"
            b"https://blog.example.org/c/;;paid;10\n")
    parsed = parse_csv(data)
    assert parsed.errors == [
        "Line 2: acquisition 'bartered' is not one of natural, outreach, paid, self_created, directory, forum, "
        "comment, press_release, profile, other.",
        "Line 3: cost 'ten dollars' must be an amount like 150, 150.50, $150 or 120 EUR.",
        "Line 4: the target page is empty.",
    ]
    assert parse_csv(b"url,link\nhttps://a.example/,https://b.example/\n").errors[0].startswith(
        "The first line must name the columns source_url,target_url")
    assert parse_csv(b"source_url,target_url,price\n").errors == [
        "Unknown column(s): price. Known columns: source_url, target_url, expected_anchor, acquisition, cost, "
        "expected_rel, placed_on."]


@pytest.mark.parametrize(("text", "expected"), [("", ("outreach", None)), ("Paid", ("paid", None)),
                                                ("self-created", ("self_created", None)),
                                                ("press release", ("self_created", "press_release"))])
def test_acquisition_words(text, expected):
    assert clean_acquisition(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("150", (15000, None)), ("150.5", (15050, None)),
                                                ("£99,99", (9999, "GBP")), ("", (None, None))])
def test_costs(text, expected):
    assert clean_cost(text) == expected
