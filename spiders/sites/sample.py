"""Spider for the bundled sample review site."""

from scrapy.http import Response

from revint.spiders.base import ReviewSpider
from revint.spiders.parsers import sample_site
from revint.spiders.parsers.page import ParsedPage


class SampleSiteSpider(ReviewSpider):
    name = "sample"
    source = sample_site.SOURCE

    def company_urls(self, response: Response) -> list[str]:
        return response.css("a.company-link::attr(href)").getall()

    def parse_page(self, response: Response) -> ParsedPage:
        return sample_site.parse_page(response.text, response.url, self.now())
