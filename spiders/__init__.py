"""Scrapy project: spiders that fetch employer reviews and parsers that turn pages into records."""
