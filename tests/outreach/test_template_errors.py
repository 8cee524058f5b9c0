"""Whatever a template's filters are given, rendering ends in a clear problem, never a crash or a sandbox escape."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crm.extensions import db
from crm.outreach import rendering
from crm.outreach.models import Template
from tests.conftest import csrf_token
from tests.prospects.factories import ContactFactory

# Every filter the sandbox offers a template author (the internal blank-field check is not nameable: its
# name is not in the allow-list the parser checks against).
FILTERS = sorted(name for name in rendering._ENV.filters if name != rendering._FIELD_CHECK_FILTER)
LEAKS = ("<class ", " object at 0x", "<function ", "<built-in ", "<bound method ", "<module ")
FORMAT_SPECS = ["%s", "%d", "%(x)s", "{0}", "{}", "{0.__class__}", "{x.__class__.__mro__}", "{0:>999999999}",
                "__class__", "__globals__", "__init__", "\\x5f\\x5fclass\\x5f\\x5f"]
LOOKUPS = ["", ".__class__", "['__class__']", ".__class__.__mro__", ".__init__.__globals__", "|attr('__class__')"]


def _literal(value) -> str:
    """The value written as a Jinja literal, as a template author could type it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "1e999" if value > 0 or math.isnan(value) else "-1e999"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, 1, 2, 3, -1, -3, 10_000, 10_001, 2**31, 2**63, -(2**63)]),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(FORMAT_SPECS),
)
arguments = st.lists(st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6), max_size=4)
merge_values = st.one_of(st.text(max_size=60), st.sampled_from(["", "   ", "{{ 7 }}", "%s%s%s", "Ana" * 60]))

SLACK = 60.0


def _assert_contained(subject: str, body: str, values: dict) -> list[rendering.Problem]:
    """Render every way the product does; only our own error type may come out, and no object leaks."""
    # A generous clock: this checks containment, and a loaded machine must not turn it into a timing race
    # (the render deadline itself is tested in test_rendering.py).
    rendered, problems = rendering.attempt(subject, body, values, time_limit=SLACK)
    assert isinstance(rendered.subject, str) and isinstance(rendered.body, str)
    assert all(isinstance(p.message, str) and p.message for p in problems)
    for text in (rendered.subject, rendered.body, *(p.message for p in problems)):
        assert not any(leak in text for leak in LEAKS), text
    try:
        again = rendering.render(subject, body, values, time_limit=SLACK)
    except rendering.RenderError as exc:
        assert exc.problems == tuple(problems)
    else:
        assert not problems and again == rendered
    assert rendering.check(rendering.EmailTemplate(subject, body), values, time_limit=SLACK) == problems
    return problems


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILTERS), arguments, st.sampled_from(LOOKUPS), merge_values, st.booleans())
def test_every_filter_with_hostile_arguments_ends_in_our_own_problem(name, args, lookup, first_name, in_subject):
    call = f"({', '.join(_literal(a) + lookup for a in args)})" if args or lookup else ""
    source = f"Hi {{{{ first_name{lookup}|{name}{call} }}}}!"
    subject, body = (source, "Body") if in_subject else ("Hello", "Line one\n" + source)
    _assert_contained(subject, body, {"first_name": first_name, "last_name": "Müller"})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FILTERS), arguments), min_size=2, max_size=4), merge_values)
def test_chained_filters_with_hostile_arguments_end_in_our_own_problem(chain, first_name):
    pipes = "".join(f"|{name}({', '.join(_literal(a) for a in args)})" for name, args in chain)
    _assert_contained("Hi", f"{{{{ first_name{pipes} }}}}", {"first_name": first_name})


def test_a_filter_given_a_value_it_refuses_names_the_filter_and_the_line():
    problems = _assert_contained("Hi", "Hello\n{{ first_name|truncate(1) }}", {"first_name": "Ana"})
    assert [(p.code, p.part) for p in problems] == [("bad_filter", "body")]
    assert problems[0].message == "line 2: the 'truncate' filter can't use these values (expected length >= 3, got 1)"
    problems = _assert_contained("{{ first_name|trim(5) }}", "Hi", {"first_name": "Ana"})
    assert problems[0].part == "subject" and "the 'trim' filter" in problems[0].message


def test_preview_and_save_of_a_template_whose_filter_fails_say_why_on_the_page(app, as_role, team):
    with app.app_context():
        contact = ContactFactory(workspace_id=team.workspace_id, site__workspace_id=team.workspace_id, first_name="Ana")
        choice = f"0:{contact.id}"
    member = as_role("member")
    token = csrf_token(member, "/outreach/templates/new")
    body = "Hi {{ first_name|truncate(1) }}"
    preview = member.post("/outreach/templates/preview",
                          data={"csrf_token": token, "recipient": choice, "subject": "Hello", "body": body})
    assert preview.status_code == 200
    assert "the &#39;truncate&#39; filter can&#39;t use these values" in preview.get_data(as_text=True)
    saved = member.post("/outreach/templates/new",
                        data={"csrf_token": token, "name": "Short", "subject": "Hello", "body": body})
    assert saved.status_code == 200
    html = saved.get_data(as_text=True)
    assert "Not saved" in html and "the &#39;truncate&#39; filter can&#39;t use these values" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Template.id))) == 0
