"""Importing SEO-tool exports and prospect lists: detect, decode, read, map, plan, write; service.py runs them."""
