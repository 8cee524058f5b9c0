"""The collector pause around large launches: nested uses, errors, and a collector already off."""

from __future__ import annotations

import gc

import pytest

from crm.outreach.collecting import collector_paused


def test_nested_pauses_keep_collection_off_until_the_outermost_ends():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_collection_back_on():
    @collector_paused()
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert gc.isenabled()


def test_a_collector_switched_off_beforehand_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
