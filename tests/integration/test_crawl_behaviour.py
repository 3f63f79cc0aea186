"""What every spider does, asserted on real crawls (subprocesses) of a fixture site on 127.0.0.1.

Few crawls, each shared by the tests that read it: one full crawl over every hard case (one start URL per
case), one nightly crawl against a warehouse, and the interruption crawls (an uninterrupted one, then one
stopped by SIGINT and one killed by SIGKILL, each resumed into its run dir). Timing asserts are lower bounds
only (a wait is never shorter than asked), so a slow machine cannot fail them.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.response import response_status_message
from scrapy.utils.test import get_crawler

from revint.archive import read_archive
from revint.companies import canonical_company_id
from revint.pipeline import stages
from revint.pipeline.sample_site import SampleCompany, render_company_page, render_review
from revint.record import MAX_TEXT_CHARS, ReviewRecord, TaggedReview
from revint.settings import Settings
from revint.spiders.extensions import stats_path
from revint.spiders.middlewares import retry_after_seconds
from revint.spiders.pipelines import DropDuplicateReviews, WriteJsonLines
from tests.support.fixture_site import (
    FixtureSite,
    Reply,
    company,
    company_pages,
    crawl_settings,
    review,
    run_crawl,
    wait_for,
)

RETRY_AFTER_MAX = 2.0  # the test crawls' cap on a Retry-After wait (the default is 600 s)


def _reviews(slug: str, count: int, **overrides: Any) -> list[dict[str, Any]]:
    return [review(f"{slug}-{i:02d}", 1 + i % 28, **overrides) for i in range(1, count + 1)]


def _path(company: SampleCompany) -> str:
    return f"/entreprise/{company.slug}/avis"


# --- the hard cases, one company (one start URL) each ----------------------------------------------------

PAGED = company("pagine", "Paginée SA", _reviews("pagine", 25))  # three pages
SECRET = company("secret", "Secret SAS", _reviews("secret", 2))  # under /prive/, which robots.txt disallows
THROTTLED = company("lent", "Lent & Cie", _reviews("lent", 2))  # 429, Retry-After: 1
DATED = company("date", "Daté SA", _reviews("date", 2))  # 503, Retry-After: an HTTP date
PATIENT = company("patience", "Patience SARL", _reviews("patience", 2))  # 429, Retry-After: an hour (capped)
FLAKY = company("instable", "Instable SA", _reviews("instable", 2))  # 500 twice, then the page
DOWN = company("panne", "Panne SA", _reviews("panne", 2))  # 500 for ever
LOOP = company("boucle", "Boucle SA", _reviews("boucle", 12))  # page 2's next redirects back to page 1
CUT = company("tronque", "Tronqué SA", _reviews("tronque", 3))  # always cut short in the last review
CUT_ONCE = company("coupe", "Coupé SA", _reviews("coupe", 3))  # cut short once, then whole
LATIN = company(
    "creme",
    "Crème Brûlée & Cie",
    _reviews("creme", 2, pros="Très bonne ambiance, salariés écoutés.", cons="Ça évolue peu ; façades vétustes."),
)
EMPTY_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Avis Vide</title></head><body>'
    '<h1 class="company-name">Vide SA</h1><p>Nos avis reviennent bientôt.</p></body></html>'
)
LONG_TEXT = "Journées à rallonge, équipe épuisée, réunions sans fin. " * 3000  # 168 000 characters
KEPT_TEXT = LONG_TEXT[: MAX_TEXT_CHARS - 1] + "."  # exactly the limit, over 100 KB in UTF-8
HUGE = company("enorme", "Énorme SA", [review("enorme-1", 2, pros=KEPT_TEXT), review("enorme-2", 1, pros=LONG_TEXT)])


def _truncated(company: SampleCompany) -> str:
    """The company's page cut in the middle of its last review, before its pros section ends."""
    page = render_company_page(company, 1)
    last = render_review(company.reviews[-1])
    return page[: page.index(last) + last.index("Bonne")]


def _retry_after_date(seconds: float) -> Callable[[], str]:
    return lambda: formatdate(time.time() + seconds, usegmt=True)


def _hard_cases() -> dict[str, Any]:
    loop_page_2 = render_company_page(LOOP, 2).replace(
        "</title>", f'</title>\n<link rel="next" href="{_path(LOOP)}?page=3">', 1
    )
    latin_page = render_company_page(LATIN, 1).replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    return {
        **company_pages(PAGED),
        f"/prive{_path(SECRET)}": render_company_page(SECRET, 1),
        _path(THROTTLED): [Reply(status=429, headers={"Retry-After": "1"}), Reply(render_company_page(THROTTLED, 1))],
        _path(DATED): [
            Reply(status=503, headers={"Retry-After": _retry_after_date(2)}),
            Reply(render_company_page(DATED, 1)),
        ],
        _path(PATIENT): [Reply(status=429, headers={"Retry-After": "3600"}), Reply(render_company_page(PATIENT, 1))],
        _path(FLAKY): [Reply(status=500), Reply(status=500), Reply(render_company_page(FLAKY, 1))],
        _path(DOWN): Reply(status=500),
        _path(LOOP): render_company_page(LOOP, 1),
        f"{_path(LOOP)}?page=2": loop_page_2,
        f"{_path(LOOP)}?page=3": Reply(status=302, headers={"Location": f"{_path(LOOP)}?page=1"}),
        f"{_path(LOOP)}?page=1": render_company_page(LOOP, 1),
        _path(CUT): _truncated(CUT),
        _path(CUT_ONCE): [Reply(_truncated(CUT_ONCE)), Reply(render_company_page(CUT_ONCE, 1))],
        _path(LATIN): Reply(
            latin_page.encode("latin-1", errors="xmlcharrefreplace"),  # the rating stars become &#9733;
            content_type="text/html; charset=iso-8859-1",
        ),
        "/entreprise/vide/avis": EMPTY_PAGE,
        _path(HUGE): render_company_page(HUGE, 1),
    }


START_PATHS = [
    _path(PAGED),
    f"/prive{_path(SECRET)}",
    *(_path(c) for c in (THROTTLED, DATED, PATIENT, FLAKY, DOWN, LOOP, CUT, CUT_ONCE, LATIN)),
    "/entreprise/vide/avis",
    _path(HUGE),
]


@dataclasses.dataclass(frozen=True)
class Crawled:
    settings: Settings
    summary: stages.CrawlSummary
    records: list[ReviewRecord]
    site: FixtureSite
    started: datetime
    finished: datetime

    @property
    def stats(self) -> dict[str, Any]:
        return self.summary.stats

    def ids(self, company: SampleCompany) -> Counter[str]:
        return Counter(r.source_review_id for r in self.records if r.company_id == canonical_company_id(company.name))

    def gaps(self, path: str) -> list[float]:
        """Seconds between the successive requests of a path, as the server saw them."""
        times = self.site.times(path)
        return [later - earlier for earlier, later in itertools.pairwise(times)]


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    settings = crawl_settings(tmp_path_factory.mktemp("hard"), retry_after_max=RETRY_AFTER_MAX)
    started = datetime.now(UTC)
    with FixtureSite(_hard_cases()) as site:
        summary, records = run_crawl(settings, [site.url + path for path in START_PATHS])
    return Crawled(settings, summary, records, site, started, datetime.now(UTC))


def _ids(company: SampleCompany, *, skip: tuple[str, ...] = ()) -> Counter[str]:
    return Counter(r["id"] for r in company.reviews if r["id"] not in skip)


def test_paginated_company_is_crawled_page_by_page(hard: Crawled) -> None:
    assert hard.ids(PAGED) == _ids(PAGED)
    assert Counter(p for p in hard.site.paths() if p.startswith(_path(PAGED))) == {
        _path(PAGED): 1,
        f"{_path(PAGED)}?page=2": 1,
        f"{_path(PAGED)}?page=3": 1,
    }
    assert hard.stats["finish_reason"] == "finished"


def test_robots_txt_disallowed_page_is_never_requested(hard: Crawled) -> None:
    assert hard.stats["robotstxt/forbidden"] == 1
    assert not any(p.startswith("/prive/") for p in hard.site.paths())
    assert hard.ids(SECRET) == Counter()


def test_every_request_identifies_the_crawler_with_a_contact_url(hard: Crawled) -> None:
    assert hard.settings.contact_url in hard.settings.user_agent
    assert {hit.user_agent for hit in hard.site.hits} == {hard.settings.user_agent}


def test_retry_after_in_seconds_is_honoured(hard: Crawled) -> None:
    [gap] = hard.gaps(_path(THROTTLED))
    assert gap >= 1.0
    assert hard.ids(THROTTLED) == _ids(THROTTLED)


def test_retry_after_as_an_http_date_is_honoured(hard: Crawled) -> None:
    [gap] = hard.gaps(_path(DATED))
    assert gap >= 1.0  # two seconds ahead, at one-second resolution
    assert hard.ids(DATED) == _ids(DATED)


def test_retry_after_is_capped(hard: Crawled) -> None:
    [gap] = hard.gaps(_path(PATIENT))
    assert RETRY_AFTER_MAX <= gap < 60  # an hour was asked
    assert hard.ids(PATIENT) == _ids(PATIENT)
    assert hard.stats["revint/waits/retry_after"] >= 3


def test_server_errors_are_retried_with_exponential_backoff(hard: Crawled) -> None:
    backoff = hard.settings.retry_backoff
    first, second = hard.gaps(_path(FLAKY))
    assert first >= backoff and second >= 2 * backoff
    assert hard.ids(FLAKY) == _ids(FLAKY)


def test_a_permanent_server_error_gives_up_after_bounded_retries(hard: Crawled) -> None:
    gaps = hard.gaps(_path(DOWN))
    assert len(gaps) == 3  # RETRY_TIMES: the first request and three retries
    assert [gap >= hard.settings.retry_backoff * 2**n for n, gap in enumerate(gaps)] == [True] * 3
    assert hard.ids(DOWN) == Counter()
    assert hard.stats["retry/reason_count/" + response_status_message(500)] == 2 + 3  # FLAKY, DOWN
    assert hard.stats["retry/max_reached"] == 2  # DOWN, and the page that stays truncated
    assert hard.stats["httperror/response_ignored_status_count/500"] == 1


def test_redirect_back_to_page_one_ends_the_company_once(hard: Crawled) -> None:
    assert hard.stats["downloader/response_status_count/302"] == 1
    assert hard.stats["revint/pagination_loops"] == 1
    assert Counter(p for p in hard.site.paths() if p.startswith(_path(LOOP))) == {
        _path(LOOP): 1,
        f"{_path(LOOP)}?page=2": 1,
        f"{_path(LOOP)}?page=3": 1,
        f"{_path(LOOP)}?page=1": 1,
    }
    assert hard.ids(LOOP) == _ids(LOOP)


def test_truncated_page_is_fetched_again_then_kept_without_its_cut_review(hard: Crawled) -> None:
    assert hard.site.paths().count(_path(CUT_ONCE)) == 2
    assert hard.ids(CUT_ONCE) == _ids(CUT_ONCE)  # the second fetch was whole
    assert hard.site.paths().count(_path(CUT)) == 4  # still cut after three retries
    cut_review = CUT.reviews[-1]["id"]
    assert hard.ids(CUT) == _ids(CUT, skip=(cut_review,))
    kept = [r for r in hard.records if r.company_id == canonical_company_id(CUT.name)]
    assert [r.pros for r in kept] == ["Bonne équipe."] * 2
    assert hard.stats["retry/reason_count/truncated page"] == 3 + 1
    assert hard.stats["revint/canary/truncated_page"] == 1


def test_latin_1_page_is_decoded_by_its_declared_charset(hard: Crawled) -> None:
    latin = [r for r in hard.records if r.company_id == canonical_company_id(LATIN.name)]
    assert {r.source_review_id for r in latin} == set(_ids(LATIN))
    for record in latin:
        assert record.company_name == "Crème Brûlée & Cie"
        assert record.pros == "Très bonne ambiance, salariés écoutés."
        assert record.cons == "Ça évolue peu ; façades vétustes."


def test_page_without_reviews_raises_the_canary(hard: Crawled) -> None:
    assert hard.stats["revint/canary/no_reviews"] == 1
    alerts = hard.stats["revint/canary_urls"]
    assert {"source": "sample", "reason": "no_reviews", "url": hard.site.url + "/entreprise/vide/avis"} in alerts


def test_huge_review_is_kept_up_to_the_text_limit_and_dropped_beyond(hard: Crawled) -> None:
    [kept] = [r for r in hard.records if r.company_id == canonical_company_id(HUGE.name)]
    assert kept.source_review_id == "enorme-1"
    assert kept.pros == KEPT_TEXT
    assert len(kept.pros) == MAX_TEXT_CHARS and len(kept.pros.encode("utf-8")) >= 100_000
    assert hard.stats["revint/dropped/pros-longer-than-characters"] == 1
    assert hard.stats["revint/reviews_dropped"] == 1
    alerts = hard.stats["revint/canary_urls"]
    assert {"source": "sample", "reason": "invalid_reviews", "url": hard.site.url + _path(HUGE)} in alerts


def test_canary_alerts_are_summarised(hard: Crawled) -> None:
    assert hard.summary.canary_alerts == 3  # the empty page, the huge review, the page that stays truncated
    assert len(hard.stats["revint/canary_urls"]) == 3


def test_hard_crawl_writes_exactly_the_expected_reviews(hard: Crawled) -> None:
    expected = sum(
        (_ids(c) for c in (PAGED, THROTTLED, DATED, PATIENT, FLAKY, LOOP, CUT_ONCE, LATIN)),
        _ids(CUT, skip=(CUT.reviews[-1]["id"],)) + Counter({"enorme-1": 1}),
    )
    assert Counter(r.source_review_id for r in hard.records) == expected
    assert hard.summary.reviews_written == sum(expected.values())


def test_every_parsed_page_is_archived_with_its_url_and_fetch_time(hard: Crawled) -> None:
    pages = list(read_archive(hard.summary.output.parent / "archive"))
    assert len(pages) == hard.stats["revint/pages_archived"] == hard.stats["revint/pages"]
    archived = Counter(p.url.removeprefix(hard.site.url) for p in pages)
    assert archived[_path(CUT)] == 4 and archived[_path(THROTTLED)] == 1  # every 200 fetch, and only those
    assert archived[_path(DOWN)] == archived[f"{_path(LOOP)}?page=3"] == archived["/robots.txt"] == 0
    assert all(p.status == 200 and p.spider == "sample" for p in pages)
    assert all(hard.started <= p.fetched_at <= hard.finished for p in pages)
    [latin] = [p for p in pages if p.url.endswith(_path(LATIN))]
    assert "Crème Brûlée" in latin.text() and b"Cr\xe8me" in latin.body


def test_retry_after_header_parsing() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds("Sun, 01 Mar 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0  # already past
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


# --- nightly mode: stop at a page of reviews the warehouse already has ------------------------------------


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory, hard: Crawled) -> Crawled:
    """The warehouse holds every PAGED review but the three newest; the site is crawled again, nightly."""
    settings = crawl_settings(tmp_path_factory.mktemp("nightly"))
    known_ids = {r["id"] for r in PAGED.reviews[3:]}
    known = [r for r in hard.records if r.source_review_id in known_ids]
    tagged = settings.data_dir / "known.tagged.jsonl"
    tagged.write_text("".join(TaggedReview(r, []).to_json_line() + "\n" for r in known), encoding="utf-8")
    stages.load(settings, tagged)
    started = datetime.now(UTC)
    with FixtureSite(company_pages(PAGED)) as site:
        summary, records = run_crawl(settings, [site.url + _path(PAGED)], mode="nightly")
    return Crawled(settings, summary, records, site, started, datetime.now(UTC))


def test_nightly_crawl_stops_at_the_first_page_of_known_reviews(nightly: Crawled) -> None:
    assert nightly.site.paths() == ["/robots.txt", _path(PAGED), f"{_path(PAGED)}?page=2"]
    assert nightly.stats["revint/incremental_stops"] == 1
    assert "holds only reviews already in the warehouse" in (nightly.summary.output.parent / "crawl.log").read_text()


def test_nightly_crawl_still_writes_known_reviews_of_the_pages_it_fetched(nightly: Crawled) -> None:
    # Page 1 mixes three new reviews with seven known ones (which may have been edited): all ten are written.
    assert Counter(r.source_review_id for r in nightly.records) == Counter(r["id"] for r in PAGED.reviews[: 2 * 10])


def test_nightly_crawl_reads_the_known_ids_of_its_source_from_the_warehouse(nightly: Crawled) -> None:
    known = (nightly.summary.output.parent / "known_ids.txt").read_text(encoding="utf-8").split()
    assert sorted(known) == sorted(f"sample:{r['id']}" for r in PAGED.reviews[3:])


def test_full_crawl_fetches_every_page_however_much_the_warehouse_knows(hard: Crawled) -> None:
    assert "revint/incremental_stops" not in hard.stats
    assert not (hard.summary.output.parent / "known_ids.txt").exists()


# --- interrupted crawls, resumed into the same run dir ----------------------------------------------------

LONG = [company(f"longue-{n}", f"Longue {n} SA", _reviews(f"longue{n}", 35)) for n in range(3)]  # 4 pages each


@dataclasses.dataclass(frozen=True)
class Resumed:
    first: int  # the interrupted session's exit status
    first_stats: dict[str, Any] | None  # None when it was killed before writing any
    written_before: int
    summary: stages.CrawlSummary
    records: list[ReviewRecord]
    paths: list[str]  # requests of both sessions, robots.txt aside


@pytest.fixture(scope="module")
def long_site() -> Iterator[FixtureSite]:
    routes: dict[str, Any] = {}
    for each in LONG:
        routes |= company_pages(each)
    with FixtureSite(routes) as site:
        yield site


def _starts(site: FixtureSite) -> list[str]:
    return [site.url + _path(c) for c in LONG]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, long_site: FixtureSite) -> list[ReviewRecord]:
    return run_crawl(crawl_settings(tmp_path_factory.mktemp("whole")), _starts(long_site))[1]


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def _interrupt_and_resume(data_dir: Path, site: FixtureSite, how: signal.Signals) -> Resumed:
    """Start a crawl, hold the site after four pages, interrupt it there with `how`, then resume it."""
    settings = crawl_settings(data_dir)
    run_dir = stages.new_run_dir(settings, "interrupted")
    output = run_dir / "reviews.jsonl"
    hits_before = len(site.hits)
    site.hold_after(4)
    command = stages.crawl_command(settings, "sample", _starts(site), run_dir, delay=0.0)
    with subprocess.Popen(command) as process:
        wait_for(lambda: site.held >= 1 and _lines(output) >= 10, "the crawl to reach the gate")
        os.kill(process.pid, how)
        if how == signal.SIGINT:  # graceful: the requests in flight complete, the queue is saved
            log = run_dir / "crawl.log"
            wait_for(lambda: "shutting down gracefully" in log.read_text(encoding="utf-8"), "the SIGINT to land")
        site.release()
        returncode = process.wait(timeout=60)
    first_stats = json.loads(stats_path(output).read_text()) if stats_path(output).exists() else None
    written_before = _lines(output)
    summary = stages.crawl(settings, "sample", _starts(site), run_dir, delay=0.0)
    paths = [hit.path for hit in site.hits[hits_before:] if hit.path != "/robots.txt"]
    return Resumed(returncode, first_stats, written_before, summary, list(stages.read_reviews(output)), paths)


@pytest.fixture(scope="module")
def after_sigint(tmp_path_factory: pytest.TempPathFactory, long_site: FixtureSite) -> Resumed:
    return _interrupt_and_resume(tmp_path_factory.mktemp("sigint"), long_site, signal.SIGINT)


@pytest.fixture(scope="module")
def after_sigkill(tmp_path_factory: pytest.TempPathFactory, long_site: FixtureSite) -> Resumed:
    return _interrupt_and_resume(tmp_path_factory.mktemp("sigkill"), long_site, signal.SIGKILL)


def _comparable(records: list[ReviewRecord]) -> dict[str, ReviewRecord]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return {r.review_id: dataclasses.replace(r, fetched_at=epoch) for r in records}


def _assert_same_reviews_once(resumed: Resumed, uninterrupted: list[ReviewRecord]) -> None:
    ids = Counter(r.review_id for r in resumed.records)
    assert max(ids.values()) == 1, "a review was written twice"
    assert _comparable(resumed.records) == _comparable(uninterrupted)
    assert len(uninterrupted) == sum(len(c.reviews) for c in LONG)
    assert resumed.summary.reviews_written == len(uninterrupted)
    assert 10 <= resumed.written_before < len(uninterrupted), "the first session should have been interrupted"


def test_crawl_stopped_by_sigint_resumes_without_losing_or_repeating_anything(
    after_sigint: Resumed, uninterrupted: list[ReviewRecord]
) -> None:
    assert after_sigint.first == 0
    assert after_sigint.first_stats is not None and after_sigint.first_stats["finish_reason"] == "shutdown"
    _assert_same_reviews_once(after_sigint, uninterrupted)
    # The saved queue and seen ids carried the crawl on: no page was fetched twice, start pages included.
    assert Counter(after_sigint.paths) == Counter({path: 1 for c in LONG for path in company_pages(c)})
    assert after_sigint.summary.stats.get("revint/pagination_loops", 0) == 0


def test_crawl_killed_by_sigkill_starts_over_and_writes_each_review_once(
    after_sigkill: Resumed, uninterrupted: list[ReviewRecord]
) -> None:
    assert after_sigkill.first == -signal.SIGKILL
    assert after_sigkill.first_stats is None
    _assert_same_reviews_once(after_sigkill, uninterrupted)
    stats = after_sigkill.summary.stats
    assert stats["revint/job_restarted_after_kill"] == 1
    assert stats["revint/reviews_duplicate"] == after_sigkill.written_before  # fetched again, not written again


def test_archive_of_a_killed_then_resumed_crawl_reads_both_sessions(after_sigkill: Resumed) -> None:
    archive = after_sigkill.summary.output.parent / "archive"
    files = sorted(path.name for path in archive.glob("*.jsonl.gz"))
    assert len(files) == 2 and files[0] == "pages.jsonl.gz" and files[1].startswith("pages.resumed-")
    pages = list(read_archive(archive))
    assert len(pages) > after_sigkill.summary.stats["revint/pages_archived"]


def test_output_writer_cuts_a_line_torn_by_a_kill_and_skips_what_was_written(tmp_path: Path) -> None:
    output = tmp_path / "reviews.jsonl"
    output.write_text('{"review_id": "sample:a"}\n{"review_id": "sample:b"}\n{"review_id": "sam', encoding="utf-8")
    crawler = get_crawler(settings_dict={"REVINT_OUTPUT": str(output)})
    writer = WriteJsonLines(crawler)
    writer.open_spider()
    writer.close_spider()
    assert output.read_text(encoding="utf-8") == '{"review_id": "sample:a"}\n{"review_id": "sample:b"}\n'
    dedupe = DropDuplicateReviews(crawler)
    dedupe.open_spider()
    assert dedupe.seen == {"sample:a", "sample:b"}
