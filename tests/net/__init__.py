"""Tests for the safe HTTP fetcher in crm/net."""
