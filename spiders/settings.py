"""Scrapy settings: polite by default (robots.txt, AutoThrottle, a per-domain delay, an identifying user agent,
spaced-out bounded retries honouring Retry-After), resumable (JOBDIR, set per run by pipeline.stages.crawl)."""

from revint.constants import user_agent

BOT_NAME = "revint"
SPIDER_MODULES = ["revint.spiders.sites"]
NEWSPIDER_MODULE = "revint.spiders.sites"

USER_AGENT = user_agent()
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
CONCURRENT_ITEMS = 1  # the item pipelines never wait: Scrapy's 100 would start 100 asyncio workers for each page
META_COPY_WARN_SKIP_KEYS = ["retry_times"]  # counted by get_retry_request, which ReviewSpider uses on cut pages

ITEM_PIPELINES = {
    "revint.spiders.pipelines.ValidateRecord": 100,
    "revint.spiders.pipelines.DropDuplicateReviews": 200,
    "revint.spiders.pipelines.WriteJsonLines": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "revint.spiders.middlewares.PoliteRetry": 550,
    "revint.spiders.middlewares.DetectBlocking": 560,  # sees responses before the retries: a wall is not retried
}
SPIDER_MIDDLEWARES = {"revint.spiders.middlewares.ArchivePages": 100}  # after HttpErrorMiddleware (50): 2xx only
EXTENSIONS = {
    "revint.spiders.extensions.StatsFile": 500,
    "revint.spiders.extensions.ResumableJob": 600,  # after SpiderState (0), which saves the spider state on close
}

REVINT_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each next one
REVINT_RETRY_AFTER_MAX = 600.0  # the longest wait before a retry, whatever Retry-After asks

# Where WriteJsonLines and StatsFile write; set by spiders.run for each crawl.
REVINT_OUTPUT = None
# Set per run by pipeline.stages.crawl: the raw page archive folder, and (nightly mode) the known review ids file.
REVINT_ARCHIVE_DIR = None
REVINT_KNOWN_IDS = None
