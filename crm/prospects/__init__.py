"""Prospect sites, contacts and metrics: import, export and contact discovery."""
