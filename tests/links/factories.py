"""factory_boy factories for backlinks, their checks, alerts and runs."""

from __future__ import annotations

import factory

from crm.db import utcnow
from crm.links.models import Backlink, LinkAlert, LinkCheck, LinkVerifyRun
from tests.factories import BaseFactory


class BacklinkFactory(BaseFactory):
    class Meta:
        model = Backlink

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

    backlink = factory.SubFactory(BacklinkFactory)
    workspace_id = factory.SelfAttribute("backlink.workspace_id")
    status = "live"
    found = True
    reasons = factory.LazyFunction(list)
    evidence = factory.LazyFunction(dict)


class LinkAlertFactory(BaseFactory):
    class Meta:
        model = LinkAlert

    backlink = factory.SubFactory(BacklinkFactory)
    workspace_id = factory.SelfAttribute("backlink.workspace_id")
    kind = "removed"
    old_status = "live"
    new_status = "missing"
    message = "The link on blog.example.org/post to www.our-shop.com/running-shoes is no longer there."
    created_at = factory.LazyFunction(utcnow)


class LinkVerifyRunFactory(BaseFactory):
    class Meta:
        model = LinkVerifyRun

    total = 0
    backlink_ids = factory.LazyFunction(list)
    counts = factory.LazyFunction(dict)
    error = ""
    created_at = factory.LazyFunction(utcnow)
