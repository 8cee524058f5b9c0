"""Backlinks: the verifier that decides whether a link is live, and its checks and monitoring."""
