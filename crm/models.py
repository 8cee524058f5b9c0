"""Every feature's models, imported together so migrations and the worker see the whole schema."""

import crm.accounts.models  # noqa: F401
import crm.campaigns.models  # noqa: F401
import crm.links.models  # noqa: F401
import crm.ops.models  # noqa: F401
import crm.outreach.models  # noqa: F401
import crm.prospects.models  # noqa: F401
import crm.reports.models  # noqa: F401
import crm.timeline  # noqa: F401
