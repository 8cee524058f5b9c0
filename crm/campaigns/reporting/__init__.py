"""A campaign's report figures, defined once: the reports pages and the API's report both read them from here.

Campaigns stands above outreach, links and prospects (DESIGN section 2), so it may read their rows; reports and
the API stand above campaigns and share this one definition of each figure.
"""
