"""Scrapy settings: polite by default (robots.txt, AutoThrottle, a delay, an identifying user agent)."""

BOT_NAME = "revint"
SPIDER_MODULES = ["spiders.sites"]
NEWSPIDER_MODULE = "spiders.sites"

USER_AGENT = "revint/0.1 (employer-review research crawler; +https://github.com/revint/revint)"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOGSTATS_INTERVAL = 10.0
LOG_LEVEL = "INFO"  # DEBUG would copy every scraped review into the crawl log
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "spiders.pipelines.ValidateRecord": 100,
    "spiders.pipelines.DropDuplicateReviews": 200,
    "spiders.pipelines.WriteJsonLines": 900,
}
EXTENSIONS = {"spiders.extensions.StatsFile": 500}

# Where WriteJsonLines and StatsFile write; set by spiders.run for each crawl.
REVINT_OUTPUT = None
