"""Spider for Kununu reviews (kununu.com/<country>/<company>/kommentare, paged `/kommentare/2`)."""

from revint.spiders.parsers import kununu
from revint.spiders.sites.site import SiteSpider


class KununuSpider(SiteSpider):
    name = "kununu"
    source = kununu.SOURCE
