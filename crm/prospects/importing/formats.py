"""The SEO exports we recognise, as data: identifying columns and what each column becomes."""

from __future__ import annotations

from dataclasses import dataclass

# Canonical fields a column can map to, with the label the column-mapping step shows.
# "site.<metric>" is a metric of the prospect site; "page.<metric>" one of the linking page, kept on the backlink.
FIELDS: dict[str, str] = {
    "site_url": "Site URL (homepage or any page)",
    "domain": "Site domain",
    "site_name": "Site or company name",
    "tags": "Tags / category",
    "source_url": "Linking page URL",
    "source_title": "Linking page title",
    "target_url": "Linked-to URL (your page)",
    "anchor": "Anchor text",
    "link_type": "Link type (text, image, redirect, ...)",
    "type_with_rel": 'Link type with rel tokens ("text, nofollow")',
    "rel": "Rel (follow / nofollow / sponsored / ugc)",
    "nofollow": "Nofollow (yes/no)",
    "follow": "Followed (yes/no)",
    "ugc": "UGC (yes/no)",
    "sponsored": "Sponsored (yes/no)",
    "in_content": "Link in main content (yes/no)",
    "flag_image": "Image link (yes/no)",
    "flag_redirect": "Link via redirect (yes/no)",
    "flag_frame": "Frame link (yes/no)",
    "flag_form": "Form link (yes/no)",
    "lost": "Lost (yes/no)",
    "first_seen": "First seen (date)",
    "last_seen": "Last seen (date)",
    "lost_at": "Lost on (date)",
    "email": "Email address",
    "email_type": "Email type (personal / generic)",
    "contact_name": "Contact name",
    "first_name": "Contact first name",
    "last_name": "Contact last name",
    "position": "Contact position",
    "confidence": "Email confidence (0-100)",
    "verification": "Email verification status (valid, accept_all, unknown, invalid)",
    "linkedin": "Contact LinkedIn profile",
    "twitter": "Contact X/Twitter handle or profile",
}

# The product's metric vocabulary and the vendor each metric belongs to when a file does not say.
METRICS: dict[str, tuple[str, str]] = {
    "dr": ("Domain Rating", "ahrefs"),
    "ur": ("URL Rating", "ahrefs"),
    "ahrefs_rank": ("Ahrefs Rank", "ahrefs"),
    "is_spam": ("Flagged as spam (1/0)", "ahrefs"),
    "da": ("Domain Authority", "moz"),
    "pa": ("Page Authority", "moz"),
    "spam": ("Spam Score (%)", "moz"),
    "spam_flags": ("Spam Score (0-17 flags, Open Site Explorer)", "moz"),
    "tf": ("Trust Flow", "majestic"),
    "cf": ("Citation Flow", "majestic"),
    "as": ("Authority Score", "semrush"),
    "traffic": ("Organic traffic (monthly)", "manual"),
    "keywords": ("Organic keywords", "manual"),
    "ref_domains": ("Referring domains", "manual"),
    "ref_domains_dofollow": ("Dofollow referring domains", "manual"),
    "ref_domains_edu": ("Educational referring domains", "manual"),
    "ref_domains_gov": ("Governmental referring domains", "manual"),
    "ref_ips": ("Referring IPs", "manual"),
    "ref_subnets": ("Referring subnets", "manual"),
    "backlinks": ("Backlinks", "manual"),
    "backlinks_nofollow": ("Nofollow backlinks", "manual"),
    "linked_domains": ("Linked domains (outgoing)", "manual"),
    "linked_domains_dofollow": ("Dofollow linked domains (outgoing)", "manual"),
    "external_links": ("External links on the page", "manual"),
    "links_to_target": ("Links to your site", "manual"),
    "links_to_target_dofollow": ("Dofollow links to your site", "manual"),
    "target_pages": ("Your pages it links to", "manual"),
}
for _name, (_label, _vendor) in METRICS.items():
    FIELDS[f"site.{_name}"] = f"Site metric: {_label}"
    FIELDS[f"page.{_name}"] = f"Linking page metric: {_label}"

# Flags are read as yes/no but stored as 1/0 metrics.
BOOL_METRICS = frozenset({"is_spam"})


@dataclass(frozen=True)
class FormatDef:
    """One known export: the columns that identify it and what every known column becomes."""

    name: str
    label: str
    source: str  # the vendor its metrics come from
    kind: str  # "backlinks", "sites" or "contacts": what one row describes
    required: tuple[tuple[str, ...], ...]  # every group must be present; any one name of a group will do
    columns: dict[str, str | None]  # normalised header -> field; None = known but kept only in the raw row
    exact: bool = False  # no other columns allowed (one- and two-column files are otherwise too easy to match)
    refusal: str | None = None  # recognised but not importable, with the reason shown to the user


def _fmt(name, label, source, kind, required, columns, **extra) -> FormatDef:
    """Build a FormatDef from the compact notation below ("a|b" = either column)."""
    groups = tuple(tuple(group.split("|")) for group in required)
    return FormatDef(name, label, source, kind, groups, columns, **extra)


AHREFS_BACKLINK_COLUMNS = {
    "#": None, "referring page title": "source_title", "referring page url": "source_url", "language": None,
    "platform": None, "referring page http code": None, "domain rating": "site.dr", "ur": "page.ur",
    "domain traffic": "site.traffic", "referring domains": "page.ref_domains", "linked domains": "page.linked_domains",
    "external links": "page.external_links", "page traffic": "page.traffic", "keywords": "page.keywords",
    "target url": "target_url", "left context": None, "anchor": "anchor", "right context": None,
    "redirect chain urls": None, "redirect chain status codes": None, "type": "link_type", "is spam": "page.is_spam",
    "content": "in_content", "nofollow": "nofollow", "ugc": "ugc", "sponsored": "sponsored", "rendered": None,
    "raw": None, "lost status": None, "drop reason": None, "discovered status": None, "first seen": "first_seen",
    "last seen": "last_seen", "lost": "lost_at", "author": None, "page type": None, "page category": None,
    "links in group": None,
}  # fmt: skip

FORMATS: tuple[FormatDef, ...] = (
    _fmt("ahrefs_backlinks", "Ahrefs backlinks", "ahrefs", "backlinks",
         ["referring page url", "target url", "domain rating", "anchor"], AHREFS_BACKLINK_COLUMNS),
    _fmt("ahrefs_backlinks_v2", "Ahrefs backlinks (2022 and earlier)", "ahrefs", "backlinks",
         ["referring page url", "link url", "link anchor|textpre"],
         {"#": None, "total backlinks": None, "domain rating": "site.dr", "url rating": "page.ur",
          "referring domains": "page.ref_domains", "referring page url": "source_url",
          "referring page title": "source_title", "internal links count": None,
          "external links count": "page.external_links", "last http code": None, "link url": "target_url",
          "textpre": None, "link anchor": "anchor", "textpost": None, "type": "type_with_rel",
          "backlink status": None, "found": "first_seen", "first seen": "first_seen", "last check": "last_seen",
          "day lost": "lost_at", "language": None, "traffic": "page.traffic", "keywords": "page.keywords",
          "js rendered": None, "linked domains": "page.linked_domains"}),
    _fmt("ahrefs_refdomains", "Ahrefs referring domains", "ahrefs", "sites",
         ["domain", "dr", "dofollow ref. domains"],
         {"#": None, "domain": "domain", "is spam": "site.is_spam", "dr": "site.dr",
          "dofollow ref. domains": "site.ref_domains_dofollow",
          "dofollow linked domains": "site.linked_domains_dofollow", "traffic": "site.traffic",
          "keywords": "site.keywords", "links to target": "site.links_to_target", "new links": None,
          "lost links": None, "dofollow links": "site.links_to_target_dofollow", "first seen": None, "lost": None}),
    _fmt("ahrefs_batch_analysis", "Ahrefs Batch Analysis", "ahrefs", "sites",
         ["target", "mode", "domain rating"],
         {"#": None, "target": "site_url", "mode": None, "ip": None, "protocol": None, "url rating": "site.ur",
          "domain rating": "site.dr", "ahrefs rank": "site.ahrefs_rank", "domains": "site.ref_domains",
          "ref domains dofollow": "site.ref_domains_dofollow",
          "ref domains governmental": "site.ref_domains_gov", "ref domains educational": "site.ref_domains_edu",
          "ref ips": "site.ref_ips", "ref subnets": "site.ref_subnets", "linked domains": "site.linked_domains",
          "total backlinks": "site.backlinks", "backlinks text": None, "backlinks nofollow": "site.backlinks_nofollow",
          "backlinks redirect": None, "backlinks image": None, "backlinks frame": None,
          "backlinks form": None, "backlinks governmental": None, "backlinks educational": None,
          "total keywords": "site.keywords", "total traffic": "site.traffic",
          # Batch Analysis 2.0 (2025) groups its columns as "Group / Metric".
          "organic / total keywords": "site.keywords", "organic / traffic": "site.traffic",
          "ref. domains / all": "site.ref_domains", "ref. domains / followed": "site.ref_domains_dofollow",
          "backlinks / all": "site.backlinks", "outgoing domains / linked domains": "site.linked_domains"}),
    _fmt("semrush_backlinks", "Semrush backlinks", "semrush", "backlinks",
         ["source url", "target url", "page ascore|page score"],
         {"page ascore": "page.as", "page score": "page.as", "page trust score": None, "source title": "source_title",
          "source url": "source_url", "target url": "target_url", "anchor": "anchor",
          "external links": "page.external_links", "internal links": None, "nofollow": "nofollow",
          "sponsored": "sponsored", "ugc": "ugc", "text": None, "frame": "flag_frame", "form": "flag_form",
          "image": "flag_image", "sitewide": None, "first seen": "first_seen", "last seen": "last_seen",
          "new link": None, "lost link": "lost"}),
    _fmt("semrush_refdomains", "Semrush referring domains", "semrush", "sites",
         ["domain ascore", "domain"],
         {"domain ascore": "site.as", "domain": "domain", "backlinks": "site.links_to_target", "ip address": None,
          "country": None, "first seen": None, "last seen": None}),
    _fmt("moz_inbound_links", "Moz inbound links (Open Site Explorer)", "moz", "backlinks",
         ["url", "anchor text", "target url", "domain authority", "number of domains linking to domain"],
         {"url": "source_url", "title": "source_title", "anchor text": "anchor", "spam score": "site.spam_flags",
          "page authority": "page.pa", "domain authority": "site.da",
          "number of domains linking to this page": "page.ref_domains",
          "number of domains linking to domain": "site.ref_domains", "number of links": None, "origin": None,
          "target url": "target_url", "link equity": None, "no link equity": None, "only rel=nofollow": "nofollow",
          "only follow": None, "followable": "follow", "301": "flag_redirect"}),
    _fmt("moz_link_explorer_links", "Moz Link Explorer inbound links", "moz", "backlinks",
         ["url", "target url", "domain authority", "spam score"],
         {"url": "source_url", "title": "source_title", "anchor text": "anchor", "target url": "target_url",
          "link type": "link_type", "domain authority": "site.da", "page authority": "page.pa",
          "spam score": "site.spam", "date first seen": "first_seen", "date last seen": "last_seen",
          "date lost": "lost_at"}),
    _fmt("moz_linking_domains", "Moz linking domains", "moz", "sites",
         ["root domain", "domain authority"],
         {"root domain": "domain", "domain authority": "site.da", "linking domains": "site.ref_domains",
          "inbound links": "site.links_to_target", "spam score": "site.spam", "date first seen": None,
          "date lost": None}),
    _fmt("majestic_backlinks", "Majestic backlinks download", "majestic", "backlinks",
         ["source url", "target url", "flagnofollow"],
         {"target url": "target_url", "source url": "source_url", "anchor text": "anchor",
          "source crawl date": "last_seen", "source first found date": "first_seen", "flagnofollow": "nofollow",
          "flagimagelink": "flag_image", "flagredirect": "flag_redirect", "flagframe": "flag_frame",
          "flagoldcrawl": "lost", "flagalttext": None, "flagmention": None, "sourcecitationflow": "page.cf",
          "sourcetrustflow": "page.tf", "targetcitationflow": None, "targettrustflow": None,
          "sourcetopicaltrustflow_topic_0": None, "sourcetopicaltrustflow_value_0": None,
          "refdomaintopicaltrustflow_topic_0": None, "refdomaintopicaltrustflow_value_0": None}),
    _fmt("majestic_refdomains", "Majestic referring domains", "majestic", "sites",
         ["domain", "trustflow", "citationflow"],
         {"domain": "domain", "refdomains": "site.ref_domains", "matchedlinks": "site.links_to_target",
          "extbacklinks": "site.backlinks", "ip": None, "trustflow": "site.tf", "citationflow": "site.cf",
          "topicaltrustflow_topic_0": None, "topicaltrustflow_value_0": None}),
    _fmt("majestic_bulk_backlinks", "Majestic bulk backlink checker", "majestic", "sites",
         ["item", "trustflow", "citationflow"],
         {"item": "site_url", "trustflow": "site.tf", "citationflow": "site.cf", "extbacklinks": "site.backlinks",
          "refdomains": "site.ref_domains"}),
    _fmt("gsc_latest_links", "Search Console latest links", "gsc", "backlinks",
         ["linking page", "last crawled"], {"linking page": "source_url", "last crawled": "last_seen"}, exact=True),
    _fmt("gsc_sample_links", "Search Console sample links", "gsc", "backlinks",
         ["linking page"], {"linking page": "source_url"}, exact=True),
    _fmt("gsc_top_linking_sites", "Search Console top linking sites", "gsc", "sites",
         ["site", "linking pages", "target pages"],
         {"site": "domain", "linking pages": "site.links_to_target", "target pages": "site.target_pages"},
         exact=True),
    _fmt("gsc_top_linked_pages", "Search Console top linked pages", "gsc", "sites",
         ["target page", "incoming links"], {"target page": None, "incoming links": None, "linking sites": None},
         exact=True,
         refusal="This is Search Console's 'Top linked pages' report: it lists your own pages, not the sites that "
         "link to you. Export 'Top linking sites' or 'Latest links' instead."),
    _fmt("pitchbox_partners", "Pitchbox partner import", "manual", "contacts",
         ["partner url"],
         {"partner url": "site_url", "partner category": "tags", "contact email": "email",
          "contact name": "contact_name", "contact first name": "first_name", "contact last name": "last_name",
          "company": "site_name", "link type": None, "link type price": None, "link type rel": None}),
    _fmt("buzzstream_link_partners", "BuzzStream link partners", "manual", "sites",
         ["link partner - name", "link partner - domain"],
         {"link partner - name": "site_name", "link partner - domain": "domain", "linking from": "source_url",
          "linking to": "target_url", "anchor text": "anchor", "sitewide link?": None, "sitewide - # of links": None,
          "acquisition method": None, "payment date": None, "payment - amount": None, "payment - method": None,
          "payment - reference id": None, "payment - type": None, "payment - term": None,
          "payment - start date": None, "payment - expiration date": None}),
    _fmt("hunter_domain_search", "Hunter domain search", "manual", "contacts",
         ["email address|email|e-mail", "confidence score|confidence"],
         {"email address": "email", "email": "email", "e-mail": "email", "first name": "first_name",
          "last name": "last_name", "position": "position", "department": None, "seniority": None,
          "linkedin url": "linkedin", "linkedin": "linkedin", "twitter handle": "twitter", "twitter": "twitter",
          "phone number": None, "type": "email_type", "confidence score": "confidence", "confidence": "confidence",
          "verification status": "verification", "verification": "verification",
          "domain name": "domain", "domain": "domain", "organization": "site_name"}),
)  # fmt: skip

# Column names people use in their own prospect lists, for the "generic" format and to pre-fill the mapping step.
_ALIAS_GROUPS: dict[str, str] = {
    "site_url": "url|website|website url|site url|homepage|home page|page url|web site|site|link|page|blog|blog url"
    "|partner url|prospect url",
    "domain": "domain|root domain|domain name|website domain|host|hostname|referring domain|linking domain",
    "email": "email|e-mail|email address|e-mail address|contact email|mail|email 1|emails",
    "contact_name": "name|contact|contact name|full name|person",
    "first_name": "first name|firstname|first|given name",
    "last_name": "last name|lastname|last|surname|family name",
    "position": "position|job title|role|job",
    "linkedin": "linkedin|linkedin url|linkedin profile|linkedin link",
    "twitter": "twitter|twitter handle|twitter url|x handle|x/twitter|x (twitter)",
    "verification": "verification status|email status|verification|email verification|verified",
    "site_name": "company|organization|organisation|site name|website name|publication|brand",
    "tags": "tags|tag|category|categories|niche|topic",
    "site.dr": "dr|domain rating|ahrefs dr",
    "site.ur": "ur|url rating",
    "site.da": "da|domain authority|moz da",
    "site.pa": "pa|page authority|moz pa",
    "site.tf": "tf|trust flow|trustflow|majestic tf",
    "site.cf": "cf|citation flow|citationflow|majestic cf",
    "site.as": "as|authority score|ascore|semrush as|domain ascore",
    "site.traffic": "traffic|organic traffic|monthly traffic|est. traffic|visits",
    "site.ref_domains": "ref domains|referring domains|rd|rds|linking domains",
    "site.backlinks": "backlinks|total backlinks",
    "site.spam": "spam score|spam|moz spam score",
    "site.keywords": "keywords|organic keywords",
}
GENERIC_ALIASES: dict[str, str] = {
    alias: target for target, aliases in _ALIAS_GROUPS.items() for alias in aliases.split("|")
}

# Fields any importable row needs one of: something naming the site, or an address to reach it by.
SITE_FIELDS = ("site_url", "domain", "source_url")
IDENTITY_FIELDS = (*SITE_FIELDS, "email")
