"""Spider for Glassdoor: review pages (glassdoor.fr/Avis/<Company>-Avis-E<id>.htm, paged `_P2.htm`) and GraphQL
review answers (JSON, read by `parse_graphql`)."""

from revint.spiders.parsers import glassdoor
from revint.spiders.sites.site import SiteSpider


class GlassdoorSpider(SiteSpider):
    name = "glassdoor"
    source = glassdoor.SOURCE
