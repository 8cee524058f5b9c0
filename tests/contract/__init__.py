"""Contract tests of what the product sends to external APIs, checked against their published descriptions."""
