"""API: sites with their contacts, tags and dated metrics, filtered as the sites list filters them."""

from __future__ import annotations

from pydantic import Field, create_model
from sqlalchemy import select

from crm.api.pages import page
from crm.api.problems import ApiProblem
from crm.api.registry import route
from crm.api.schemas import MAX_ID, ContactOut, MetricOut, Query, SiteDetail, SiteList, SiteNew, SiteOut, Text
from crm.extensions import db
from crm.prospects import fielddefs, filters, listing, metrics, sites
from crm.prospects.models import SITE_METRIC_COLUMNS, SITE_STATUSES, Site
from crm.prospects.sites import SiteError

_ranges = {f"{key}_{end}": (float | None, Field(None, allow_inf_nan=False))
           for key, _, _ in filters.METRIC_FILTERS for end in ("min", "max")}
SiteQuery = create_model(
    "SiteQuery", __base__=Query,
    q=(Text | None, Field(None, description="Text in the domain, notes, tags or contact emails.")),
    tag=(int | None, Field(None, ge=1, le=MAX_ID, description="A tag id.")),
    status=(str | None, Field(None, json_schema_extra={"enum": list(SITE_STATUSES)})),
    owner=(str | None, Field(None, pattern=r"^(none|[0-9]{1,9})$", description='A user id, or "none".')),
    contacted=(str | None, Field(None, json_schema_extra={"enum": [k for k in filters.CONTACTED if k]})),
    days=(int | None, Field(None, ge=1, le=filters.MAX_DAYS)),
    **_ranges,
)


def site_out(site: Site, tags: list | None = None, model=SiteOut, keys: set[str] | None = None, **extra):
    """A site as the API shows it; custom values only for the keys still defined (keys, when given)."""
    values = {name: getattr(site, name) for name in SiteOut.model_fields if hasattr(site, name)}
    values["metrics"] = {name: getattr(site, name) for name in SITE_METRIC_COLUMNS}
    values["tags"] = [tag.name for tag in (tags if tags is not None else site.tags)]
    if keys is None:
        keys = {row.key for row in fielddefs.definitions(site.workspace_id, "site")}
    values["custom_fields"] = {k: v for k, v in (site.custom_fields or {}).items() if k in keys}
    return model(**values, **extra)


def _site(workspace_id: int, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or site.workspace_id != workspace_id:
        raise ApiProblem(404, "No such site in this workspace.")
    return site


@route("/sites", summary="List sites (the sites page's filters)", tag="sites", response=SiteList, query=SiteQuery)
def list_sites(caller, query):
    """Sites matching the same filters as the sites page, in id order."""
    args = {key: ("" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)))
            for key, value in query.model_dump(exclude={"cursor", "limit"}).items()}
    f = filters.parse(args)
    if f.errors:
        raise ApiProblem(400, " ".join(f.errors))
    where = listing.conditions(caller.workspace_id, f)
    rows, cursor = page(select(Site).where(*where), Site, query.cursor, query.limit)
    tags = listing.tags_for(site.id for site in rows)
    keys = {row.key for row in fielddefs.definitions(caller.workspace_id, "site")}
    return SiteList(data=[site_out(site, tags.get(site.id, []), keys=keys) for site in rows], next_cursor=cursor)


@route("/sites/<int:site_id>", summary="One site with contacts, tags and metric history", tag="sites",
       response=SiteDetail)
def get_site(caller, site_id: int):
    """A site, its contacts and every dated metric reading."""
    site = _site(caller.workspace_id, site_id)
    history = [MetricOut.model_validate(m) for readings in metrics.history(site.id).values() for m in readings]
    contacts = [ContactOut.model_validate(c) for c in sorted(site.contacts, key=lambda c: c.id)]
    return site_out(site, model=SiteDetail, contacts=contacts, metric_history=history)


@route("/sites", method="POST", summary="Add a site by domain or URL", tag="sites", response=SiteOut, status=201,
       body=SiteNew, errors=(409,))
def create_site(caller, body):
    """Add a site exactly as the "Add site" form does."""
    try:
        site = sites.create(caller.workspace_id, body.domain, caller.user_id)
    except SiteError as exc:
        raise ApiProblem(409 if "already" in str(exc) else 422, str(exc)) from None
    return site_out(site)
