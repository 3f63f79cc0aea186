"""Spider for any site publishing schema.org reviews: start from review pages, from a sitemap (or sitemap
index) whose pages it then reads, or from the site's robots.txt, whose `Sitemap:` lines it follows."""

from urllib.parse import urljoin, urlsplit

from scrapy.http import Response

from revint.spiders.parsers.sitemap import robots_sitemaps, sitemap_locations
from revint.spiders.sites.site import SiteSpider


class SchemaOrgSpider(SiteSpider):
    name = "schema_org"
    source = "schema_org"  # the spider's; each record's `source` is its site's host (schema_org.source_for)

    def company_urls(self, response: Response) -> list[str]:
        if urlsplit(response.url).path != "/robots.txt":
            return sitemap_locations(response.body)
        sitemaps = robots_sitemaps(response.body)
        if not sitemaps:  # the conventional place (sitemaps.org) when robots.txt names none
            self.logger.warning("%s names no sitemap: trying /sitemap.xml", response.url)
            sitemaps = [urljoin(response.url, "/sitemap.xml")]
        self.stats.inc_value("revint/robots_sitemaps", len(sitemaps))
        return sitemaps
