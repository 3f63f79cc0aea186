"""Spider for Indeed company reviews (fr.indeed.com/cmp/<company>/reviews, paged `?start=20`)."""

from revint.spiders.parsers import indeed
from revint.spiders.sites.site import SiteSpider


class IndeedSpider(SiteSpider):
    name = "indeed"
    source = indeed.SOURCE
