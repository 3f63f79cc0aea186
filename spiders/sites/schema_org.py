"""Spider for any site publishing schema.org reviews: start from review pages, or from a sitemap (or sitemap index)
whose pages it then reads."""

from scrapy.http import Response

from spiders.parsers.sitemap import sitemap_locations
from spiders.sites.site import SiteSpider


class SchemaOrgSpider(SiteSpider):
    name = "schema_org"
    source = "schema_org"  # the spider's; each record's `source` is its site's host (schema_org.source_for)

    def company_urls(self, response: Response) -> list[str]:
        return sitemap_locations(response.body)
