"""Campaigns, their target pages, the pipeline of opportunities, tasks and costs."""
