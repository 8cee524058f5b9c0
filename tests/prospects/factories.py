"""Factories for prospects: sites, tags, metrics, contacts, custom fields and prospect jobs."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from crm.prospects.models import Contact, CustomField, ProspectJob, Site, SiteMetric, Tag
from tests.support.factorybase import BaseFactory, new_workspace_id


class SiteFactory(BaseFactory):
    class Meta:
        model = Site

    workspace_id = factory.LazyFunction(new_workspace_id)
    domain = factory.Sequence(lambda n: f"site{n}.example")
    homepage = factory.LazyAttribute(lambda o: f"https://{o.domain}/")
    status = "active"


class TagFactory(BaseFactory):
    class Meta:
        model = Tag

    workspace_id = factory.LazyFunction(new_workspace_id)
    name = factory.Sequence(lambda n: f"Tag {n}")


class SiteMetricFactory(BaseFactory):
    class Meta:
        model = SiteMetric

    workspace_id = factory.LazyFunction(new_workspace_id)
    site = factory.SubFactory(SiteFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    name = "dr"
    value = 50.0
    source = "ahrefs"
    measured_at = factory.LazyFunction(lambda: datetime(2025, 1, 1, tzinfo=UTC))


class ContactFactory(BaseFactory):
    class Meta:
        model = Contact

    workspace_id = factory.LazyFunction(new_workspace_id)
    site = factory.SubFactory(SiteFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    email = factory.LazyAttributeSequence(lambda o, n: f"person{n}@{o.site.domain}")
    first_name = "Pat"
    last_name = "Doe"
    status = "ok"


class ProspectJobFactory(BaseFactory):
    class Meta:
        model = ProspectJob

    workspace_id = factory.LazyFunction(new_workspace_id)
    kind = "import"
    status = "done"
    params = factory.LazyFunction(lambda: {"upload": "x" * 32, "filename": "file.csv", "options": {}})
    result = None


class CustomFieldFactory(BaseFactory):
    class Meta:
        model = CustomField

    workspace_id = factory.LazyFunction(new_workspace_id)
    entity = "site"
    key = factory.Sequence(lambda n: f"field{n}")
    label = factory.LazyAttribute(lambda o: o.key.title())
    type = "text"
    choices = factory.LazyFunction(list)
    position = factory.Sequence(lambda n: n)
