"""Runs of items on disk, and the exact count of items two streams share, used by large imports."""

from __future__ import annotations

from crm import spill


def test_a_run_gives_back_its_items_in_order_past_what_it_holds():
    run = spill.Run()
    items = [(i, f"https://example.com/{i}") for i in range(3 * spill.HELD + 7)]
    for item in items:
        run.add(item)
    try:
        assert list(run) == items
        assert list(run) == items  # replayed
    finally:
        run.close()


def test_items_in_common_are_counted_by_value_not_by_hash():
    assert hash((-1,)) == hash((-2,))  # two different keys, one hash
    assert spill.count_common([(-1,)], lambda: [(-2,)]) == 0
    assert spill.count_common([(-1,), (-2,)], lambda: [(-2,), (-3,)]) == 1


def test_a_large_count_in_common_is_exact():
    known = [(f"https://a{i}.example/", "https://shop.example/") for i in range(0, 20_000, 2)]
    wanted = [(f"https://a{i}.example/", "https://shop.example/") for i in range(20_000)]
    assert spill.count_common(iter(known), lambda: iter(wanted)) == 10_000
    assert spill.count_common([], lambda: wanted) == 0
