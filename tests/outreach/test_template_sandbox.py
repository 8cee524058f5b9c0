"""Hostile templates: published Jinja sandbox escapes and resource exhaustion must fail cleanly and leak nothing."""

import os
import threading
import uuid

import pytest

from crm.outreach.rendering import EmailTemplate, RenderError, check, render

CANARY_NAME = "CRM_TEMPLATE_CANARY"

ESCAPES = [
    # str.format / format_map reach attributes the sandbox would block in an expression
    '{{ "{0.__class__.__mro__}".format(first_name) }}',
    '{{ "{x.__class__.__init__.__globals__}".format_map({"x": first_name}) }}',
    "{{ first_name.format }}",
    "{{ '%s'|format(first_name.__class__) }}",
    # walking __class__ / __mro__ / __subclasses__ to reach os or subprocess
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c.__name__ }}{% endfor %}",
    "{{ first_name.__class__ }}",
    "{{ first_name['__class__'] }}",
    # Jinja globals whose functions carry a module's globals
    "{{ range.__class__ }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ namespace.__init__.__globals__.os.environ }}",
    "{{ lipsum.__globals__['os'].environ }}",
    "{{ lipsum.__globals__.__builtins__.__import__('os').environ }}",
    "{{ dict(a=1) }}",
    # |attr() with escaped underscores
    "{{ first_name|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ first_name|attr('\\u005f\\u005fclass\\u005f\\u005f')|attr('\\x5f\\x5fmro\\x5f\\x5f') }}",
    "{{ (first_name|attr('__class__')).__mro__ }}",
    "{{ first_name|map('upper')|list }}",
    "{{ first_name|default(first_name.__class__) }}",
    # the template's own references
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self }}",
    "{{ loop }}{{ varargs }}{{ kwargs }}{{ caller }}",
    # Flask objects that must never be in a mail context
    "{{ config }}",
    "{{ config.items() }}",
    "{{ config.__class__.__init__.__globals__['os'].environ }}",
    "{{ request.environ }}",
    "{{ request.application.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "{{ url_for.__globals__ }}",
    "{{ get_flashed_messages.__globals__ }}",
    "{{ g }}{{ session }}",
    # template loading
    "{% import os %}",
    "{% import 'os' as os %}{{ os }}",
    "{% from 'os' import environ %}",
    "{% include '/etc/passwd' %}",
    "{% extends '/etc/passwd' %}",
    "{% extends first_name %}",
    # other statements
    "{% set x = first_name.__class__ %}{{ x }}",
    "{% macro m() %}{{ first_name.__class__ }}{% endmacro %}{{ m() }}",
    "{% call first_name.__class__() %}x{% endcall %}",
    "{% with x = first_name.__class__ %}{{ x }}{% endwith %}",
    "{% filter upper %}{{ first_name.__class__ }}{% endfilter %}",
    "{% debug %}",
    "{% raw %}{{ config }}{% endraw %}",
    # custom fields must not open a door either
    "{{ custom }}",
    "{{ custom.__class__ }}",
    "{{ custom['__class__'] }}",
    "{{ custom.items() }}",
    "{{ custom[first_name] }}",
    # a look-alike identifier that Python would normalise to a real one
    "{{ \ufb01rst_name.__class__ }}",
]

EXHAUSTION = [
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for a in first_name %}{% for b in first_name %}{% for c in first_name %}x{% endfor %}{% endfor %}{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ 'a' * 999999999 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ 'a'|center(999999999) }}",
    "{{ first_name|truncate(99999999) }}",
    "{{ 'a'|replace('', 'aaaaaaaaaa') }}",
    "{{ '%999999999s'|format('a') }}",
    "{{ '%999999999s' % 'a' }}",
    "{% set s = 'aaaaaaaa' %}" + "{% set s = s ~ s %}" * 40 + "{{ s }}",
    "{{ [0] * 999999999 }}",
    "{{ first_name|wordwrap(1) }}",
]


@pytest.fixture
def canary(monkeypatch):
    secret = "canary-" + uuid.uuid4().hex
    monkeypatch.setenv(CANARY_NAME, secret)
    return secret


def _finishes(function, seconds=10.0):
    """Run in a thread so a template that hangs fails the test instead of the whole suite."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as exc:  # handed to the test, which reports it
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "rendering did not finish"
    return outcome


@pytest.mark.parametrize("payload", ESCAPES + EXHAUSTION)
def test_hostile_template_fails_cleanly_without_leaking(payload, canary):
    context = {"first_name": "Ana", "custom": {"budget": "1"}}
    for template in (EmailTemplate("Hello", payload), EmailTemplate(payload, "Hello")):
        outcome = _finishes(lambda t=template: render(t.subject, t.body, context))
        error = outcome.get("error")
        assert isinstance(error, RenderError), f"expected a clean refusal, got {outcome}"
        assert canary not in str(error)
        assert os.environ[CANARY_NAME] not in repr(error.problems)
        problems = check(template, context)
        assert problems and all(p.message for p in problems)


@pytest.mark.parametrize("payload", ESCAPES[:12])
def test_hostile_text_inside_a_merge_value_is_never_evaluated(payload, canary):
    outcome = _finishes(lambda: check(EmailTemplate("Hi", "Hi {{ first_name }}"), {"first_name": payload}))
    problems = outcome["value"]
    # the value prints as text; its {{ }} is then caught as an unresolved merge field, never run
    assert {p.code for p in problems} == {"unresolved"}
    assert canary not in repr(problems)


@pytest.mark.parametrize("value", ["{" * 5000, "{{" * 2500, "[" * 5000, "<<" * 2500, "%a" * 2500, "{{ x" * 1250])
def test_hostile_merge_values_cannot_stall_the_checks(value):
    template = EmailTemplate("Hi", "{{ first_name }}\n" * 19)
    outcome = _finishes(lambda: check(template, {"first_name": value}), seconds=20)
    assert "error" not in outcome


def test_canary_is_really_in_the_process(canary):
    assert os.environ[CANARY_NAME] == canary
