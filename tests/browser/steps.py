"""Steps several browser flows share: signing in, and saving a campaign's sequence in its editor."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Fill the login form and submit it."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def save_sequence(page, campaign_id: int, sender: str, templates: list[str], delays: dict[int, str] | None = None):
    """Choose the sender and each step's template (and business days before a step), save, see it saved."""
    page.goto(f"/campaigns/{campaign_id}/sequence")
    page.get_by_label("Send from").select_option(label=sender)
    for position, name in enumerate(templates, start=1):
        page.get_by_label(f"Template for step {position}").select_option(label=name)
    for position, days in (delays or {}).items():
        page.get_by_label(f"Business days before step {position}").fill(days)
    page.get_by_role("button", name="Save sequence").click()
    expect(page.get_by_role("status").first).to_contain_text("Sequence saved.")
