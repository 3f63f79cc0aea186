"""Spider for Kununu reviews (kununu.com/<country>/<company>/kommentare, paged `/kommentare/2`)."""

from spiders.parsers import kununu
from spiders.sites.site import SiteSpider


class KununuSpider(SiteSpider):
    name = "kununu"
    source = kununu.SOURCE
