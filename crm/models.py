"""Every feature's models, imported together so migrations and the worker see the whole schema."""

import crm.accounts.audit_models
import crm.accounts.models
import crm.api.models
import crm.campaigns.models
import crm.events
import crm.links.models
import crm.ops.models
import crm.outreach.models
import crm.prospects.models
import crm.reports.models
import crm.timeline  # noqa: F401
