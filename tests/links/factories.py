"""Factories for links: backlinks, their checks, alerts and verify runs."""

from __future__ import annotations

import factory

from crm.db import utcnow
from crm.links.models import Backlink, LinkAlert, LinkCheck, LinkVerifyRun
from tests.support.factorybase import BaseFactory, new_workspace_id


class BacklinkFactory(BaseFactory):
    class Meta:
        model = Backlink

    workspace_id = factory.LazyFunction(new_workspace_id)
    source_url = factory.Sequence(lambda n: f"https://blog{n}.example.org/post/")
    source_domain = factory.LazyAttribute(lambda o: o.source_url.split("/")[2].removeprefix("www."))
    target_url = "https://www.our-shop.com/running-shoes/"
    status = "unchecked"
    score_explanation = ""
    etag = ""
    last_modified = ""
    final_url = ""


class LinkCheckFactory(BaseFactory):
    class Meta:
        model = LinkCheck

    workspace_id = factory.LazyFunction(new_workspace_id)
    backlink = factory.SubFactory(BacklinkFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    status = "live"
    found = True
    reasons = factory.LazyFunction(list)
    evidence = factory.LazyFunction(dict)


class LinkAlertFactory(BaseFactory):
    class Meta:
        model = LinkAlert

    workspace_id = factory.LazyFunction(new_workspace_id)
    backlink = factory.SubFactory(BacklinkFactory, workspace_id=factory.SelfAttribute("..workspace_id"))
    kind = "removed"
    old_status = "live"
    new_status = "missing"
    message = "The link on blog.example.org/post to www.our-shop.com/running-shoes is no longer there."
    created_at = factory.LazyFunction(utcnow)


class LinkVerifyRunFactory(BaseFactory):
    class Meta:
        model = LinkVerifyRun

    workspace_id = factory.LazyFunction(new_workspace_id)
    total = 0
    backlink_ids = factory.LazyFunction(list)
    counts = factory.LazyFunction(dict)
    error = ""
    created_at = factory.LazyFunction(utcnow)
