"""Tests of the outreach feature: templates, scheduling, replies, tokens, webhooks and mail backends."""
