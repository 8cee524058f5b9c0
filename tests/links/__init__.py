"""Tests for the backlink verifier and the page parsing it relies on."""
