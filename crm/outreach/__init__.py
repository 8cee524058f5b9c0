"""Outreach: templates, sequences, sending, webhooks, replies and suppression."""
