"""The workspace dashboard and campaign reports."""
