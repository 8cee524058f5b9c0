"""What a marketer sees when a template renders, falls back, or is blocked before sending."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.outreach.merge_values import MAX_VALUE_LENGTH
from crm.outreach.recipients import render_context
from crm.outreach.rendering import (
    MAX_BODY_SOURCE,
    EmailTemplate,
    RenderError,
    check,
    render,
    unresolved_fields,
)

CONTACT = {
    "first_name": "Ana",
    "last_name": "",
    "site_domain": "gardenblog.example",
    "page_title": "10 Tools for Small Gardens",
    "target_url": "https://ourshop.example/guides/raised-beds",
    "anchor_text": "raised bed guide",
    "sender_name": "Sam",
    "custom": {"budget": "150", "niche": ""},
}


def codes(problems):
    return [p.code for p in problems]


def test_merge_fields_render_as_plain_text():
    rendered = render(
        "Quick idea for {{ site_domain }}",
        "Hi {{ first_name }},\n\nI loved \"{{ page_title }}\". Our {{ anchor_text }} ({{ target_url }}) fits.\n\n"
        "{{ sender_name }}",
        {**CONTACT, "page_title": "Tom & Jerry <b>Tips</b>"},
    )
    assert rendered.subject == "Quick idea for gardenblog.example"
    assert "I loved \"Tom & Jerry <b>Tips</b>\"." in rendered.body  # no HTML escaping in plain text
    assert "https://ourshop.example/guides/raised-beds" in rendered.body
    assert rendered.body.endswith("Sam")


@pytest.mark.parametrize(
    "body",
    ['Hi {{ first_name | default("there") }},', 'Hi {{ first_name or "there" }},', 'Hi {{ first_name|d("there") }},'],
)
def test_blank_first_name_uses_the_fallback(body):
    for blank in ("", "   ", None):
        assert render("Hello", body, {**CONTACT, "first_name": blank}).body == "Hi there,"
    assert render("Hello", body, CONTACT).body == "Hi Ana,"


def test_if_blocks_leave_no_blank_lines():
    body = (
        "Hi {{ first_name }},\n{% if custom.budget %}\nBudget: {{ custom.budget }}\n{% else %}\nNo budget\n"
        "{% endif %}\nBye"
    )
    assert render("s", body, CONTACT).body == "Hi Ana,\nBudget: 150\nBye"
    assert render("s", body, {**CONTACT, "custom": {"budget": ""}}).body == "Hi Ana,\nNo budget\nBye"


def test_custom_fields_by_dot_or_brackets_and_filters():
    rendered = render("s", '{{ custom.budget }} {{ custom["budget"] }} {{ site_domain | upper }}', CONTACT)
    assert rendered.body == "150 150 GARDENBLOG.EXAMPLE"


def test_custom_field_named_like_a_dict_method_is_the_value():
    assert render("s", "{{ custom.items }}", {"custom": {"items": "three"}}).body == "three"


def test_empty_field_without_fallback_blocks_with_the_field_named():
    problems = check(EmailTemplate("Hi {{ last_name }}", "Niche: {{ custom.niche }}"), CONTACT)
    assert codes(problems) == ["empty_field", "empty_field"]
    assert problems[0].part == "subject" and problems[0].field == "last_name"
    assert "{{ last_name }} is empty" in problems[0].message
    assert problems[1].field == "custom.niche"


@pytest.mark.parametrize("printed", ['{{ last_name | default("") }}', '{{ last_name | default("") | trim }}',
                                     '{{ last_name or "" }}', '{{ "Dear " ~ last_name if last_name else "" }}'])
def test_a_fallback_that_is_nothing_is_still_a_fallback(printed):
    assert render("Hi", f"Hello{printed}.", CONTACT).body == "Hello."


@pytest.mark.parametrize("printed", ["{{ last_name }}", "{{ last_name | upper }}", '{{ "x" if last_name }}'])
def test_a_blank_printed_without_a_fallback_still_blocks(printed):
    assert codes(check(EmailTemplate("Hi", f"Hello{printed}."), CONTACT)) == ["empty_field"]


def test_the_personal_line_is_a_merge_field_every_template_may_use():
    problems = check(EmailTemplate("Hi", "{{ personal_line }}\n{{ personal_ps | default('') }}"), CONTACT)
    assert [(p.code, p.field) for p in problems] == [("empty_field", "personal_line")]
    assert render("Hi", "{{ personal_line }}", {**CONTACT, "personal_line": "Loved it."}).body == "Loved it."


def test_empty_field_inside_a_guard_is_fine():
    template = EmailTemplate("Hi", "{% if last_name %}Dear {{ last_name }}{% endif %}ok")
    assert check(template, CONTACT) == []


def test_unknown_fields_are_named():
    problems = check(EmailTemplate("Hi {{ frist_name }}", "{{ custom.budgte | default('x') }}"), CONTACT)
    assert [(p.code, p.field) for p in problems] == [("unknown_field", "frist_name")]


def test_a_custom_field_the_record_leaves_unset_takes_its_default_or_blocks_naming_it():
    assert render("s", "{{ custom.deadline | default('soon') }}", CONTACT).body == "soon"
    assert render("s", "{{ site.custom.deadline | d('later') }}", CONTACT).body == "later"
    problems = check(EmailTemplate("s", "Due {{ custom.deadline }}"), CONTACT)
    assert [(p.code, p.field) for p in problems] == [("empty_field", "custom.deadline")]
    assert "{{ custom.deadline }} is empty" in problems[0].message


def test_scoped_custom_fields_and_the_contact_opportunity_site_cascade():
    context = render_context({"first_name": "Ana", "site.custom.niche": "gardening", "site.custom.tier": "A",
                              "opportunity.custom.tier": "B", "contact.custom.tier": "",
                              "contact.custom.role": "editor"})
    body = "{{ custom.tier }} {{ site.custom.tier }} {{ contact.custom.role }} {{ custom.niche }} {{ custom.role }}"
    assert render("s", body, context).body == "B A editor gardening editor"
    assert render("s", "{{ contact.custom.tier | default('none') }}", context).body == "none"
    refused = check(EmailTemplate("s", "{{ site.custom }}"), context)
    assert refused[0].code == "not_allowed" and "custom field names" in refused[0].message


def test_unknown_field_does_not_hide_a_pasted_unresolved_merge_field():
    problems = check(EmailTemplate("Hi", "Hi [First Name], {{ nope }}"), CONTACT)
    assert codes(problems) == ["unknown_field", "unresolved"]


@pytest.mark.parametrize(
    "leftover",
    ["[Name]", "[First Name]", "[FIRST_NAME]", "[Your Name]", "[insert link here]", "{first_name}", "{FirstName}",
     "%FIRSTNAME%", "%first_name%", "<<name>>", "<< Company >>", "*|FNAME|*", "{{ name }}", "{{first_name}}"],
)
def test_unresolved_merge_fields_block_the_send(leftover):
    with pytest.raises(RenderError) as caught:
        render("Hello", "Hi " + leftover.replace("{", "{{ '{' }}") + ", quick question", CONTACT)
    assert [p.code for p in caught.value.problems] == ["unresolved"]
    assert leftover in str(caught.value)


def test_unresolved_merge_field_from_imported_data_blocks_too():
    problems = check(EmailTemplate("Hi {{ first_name }}", "ok"), {**CONTACT, "first_name": "[First Name]"})
    assert codes(problems) == ["unresolved"]
    assert problems[0].part == "subject"


@pytest.mark.parametrize(
    "text",
    ["[Guide] 10 tools", "Save 50% now and 20% later", "see note [1]", "[2024 update]", "email me at a@b.example"],
)
def test_ordinary_text_is_not_mistaken_for_a_merge_field(text):
    assert unresolved_fields(text) == []


def test_render_error_lists_every_problem():
    with pytest.raises(RenderError) as caught:
        render("{{ last_name }}", "{% for x in y %}{% endfor %}", CONTACT)
    assert [p.part for p in caught.value.problems] == ["subject", "body"]
    assert "loops" in str(caught.value)


def test_syntax_error_says_where():
    problems = check(EmailTemplate("ok", "line one\n{{ first_name "), CONTACT)
    assert codes(problems) == ["syntax"]
    assert problems[0].message.startswith("line 2")


def test_subject_is_folded_onto_one_line():
    rendered = render("Hi {{ first_name }}", "x", {**CONTACT, "first_name": "Ana\r\nBcc: everyone@example.com"})
    assert "\n" not in rendered.subject and "\r" not in rendered.subject


def test_empty_subject_is_refused():
    assert codes(check(EmailTemplate("{% if last_name %}x{% endif %}", "body"), CONTACT)) == ["empty_subject"]


def test_template_source_size_is_capped():
    problems = check(EmailTemplate("s", "a" * (MAX_BODY_SOURCE + 1)), CONTACT)
    assert codes(problems) == ["too_long"]


def test_output_size_is_capped_while_rendering():
    big = "b" * MAX_VALUE_LENGTH
    problems = check(EmailTemplate("s", "{{ custom.big }}" * 100), {"custom": {"big": big}})
    assert codes(problems) == ["too_long"]


def test_deeply_nested_template_is_refused_cleanly():
    assert codes(check(EmailTemplate("s", "{{ " + "(" * 500 + "first_name" + ")" * 500 + " }}"), CONTACT)) == [
        "too_complex"
    ]


def test_render_deadline_stops_rendering():
    assert "too_slow" in codes(check(EmailTemplate("s", "Hi {{ first_name }}"), CONTACT, time_limit=-1))


def test_context_must_be_plain_strings():
    class Contact:
        first_name = "Ana"

    with pytest.raises(TypeError):
        render("s", "{{ first_name }}", {"first_name": Contact()})
    with pytest.raises(ValueError):
        render("s", "x", {"custom": {"bad key": "x"}})
    with pytest.raises(ValueError):
        render("s", "x", {"first_name": "x" * (MAX_VALUE_LENGTH + 1)})


def test_html_part_escapes_everything_and_links_urls():
    rendered = render("s", "Hi {{ first_name }},\n\nSee {{ target_url }}.", {**CONTACT, "first_name": "<script>x"})
    html = rendered.html()
    assert "<script>" not in html and "&lt;script&gt;x" in html
    assert '<a href="https://ourshop.example/guides/raised-beds">' in html
    assert html.count("<p>") == 2


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1))
def test_any_value_prints_verbatim(value):
    if not value.strip() or unresolved_fields(value):
        return
    assert render("s", "{{ first_name }}", {"first_name": value}).body == value


def test_saving_a_template_checks_scoped_custom_fields_against_samples():
    from crm.outreach.library import template_problems

    assert template_problems("{{ site.custom.niche }}", "{{ custom.budget }} {{ opportunity.custom.tier }}") == ([], [])
    errors, _ = template_problems("Hi", "{{ site.custom }}")
    assert errors and "custom field names" in errors[0]
