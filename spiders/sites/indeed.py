"""Spider for Indeed company reviews (fr.indeed.com/cmp/<company>/reviews, paged `?start=20`)."""

from spiders.parsers import indeed
from spiders.sites.site import SiteSpider


class IndeedSpider(SiteSpider):
    name = "indeed"
    source = indeed.SOURCE
