"""Walls told apart from pages: anti-bot challenges, CAPTCHAs and login walls are recognised (parsers/blocking.py),
ordinary review pages and ordinary errors are not; the DetectBlocking middleware counts, keeps and drops a wall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from revint.pipeline.sample_site import load_companies, render_company_page
from revint.settings import BUNDLED_DATA
from revint.spiders.middlewares import BLOCKED_URLS_KEPT, DetectBlocking
from revint.spiders.parsers.blocking import Blocking, blocking
from tests.support.fixture_site import company, company_pages, review

URL = "https://reviews.example/entreprise/acme/avis"


def html(title: str, body: str = "<p>Contenu</p>") -> bytes:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def review_page(**fields: Any) -> bytes:
    """Page 1 of a fixture company whose one review has these fields, as the sample site renders it."""
    [page] = company_pages(company("acme", "Acme", [review("r1", 3, **fields)])).values()
    return page.encode()


# --- walls --------------------------------------------------------------------------------------------------------

CHALLENGE_SCRIPT = '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
WALLS: list[tuple[str, int, dict[str, str], bytes, str, bool, Blocking]] = [
    ("challenge title", 403, {}, html("Just a moment...", CHALLENGE_SCRIPT), URL, False, "anti_bot_challenge"),
    (
        "connection check text",
        503,
        {},
        html("reviews.example", "<h2>Checking if the site connection is secure</h2>"),
        URL,
        False,
        "anti_bot_challenge",
    ),
    ("cf-mitigated header", 403, {"cf-mitigated": "challenge"}, b"", URL, False, "anti_bot_challenge"),
    (
        "recaptcha div",
        200,
        {},
        html("Reviews — Acme", '<form method="post"><div class="g-recaptcha" data-sitekey="k1"></div></form>'),
        URL,
        False,
        "captcha",
    ),
    (
        "captcha-delivery iframe",
        403,
        {},
        html("reviews.example", '<iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=abc"></iframe>'),
        URL,
        False,
        "captcha",
    ),
    (
        "redirected to /login",
        200,
        {},
        html("Reviews", "<p>Bienvenue</p>"),
        "https://reviews.example/login?next=/entreprise/acme",
        True,
        "login_wall",
    ),
    ("401", 401, {}, html("Unauthorized"), URL, False, "login_wall"),
    (
        "sign-in title with a password field",
        200,
        {},
        html(
            "Sign in to continue | Reviews",
            '<form action="/session"><input type="email" name="e"><input type="password" name="p"></form>',
        ),
        URL,
        False,
        "login_wall",
    ),
]


@pytest.mark.parametrize(
    ("status", "headers", "body", "url", "redirected", "expected"),
    [wall[1:] for wall in WALLS],
    ids=[wall[0] for wall in WALLS],
)
def test_a_wall_is_told_by_its_kind(
    status: int, headers: dict[str, str], body: bytes, url: str, redirected: bool, expected: Blocking
) -> None:
    assert blocking(status, headers, body, url, redirected) == expected


# --- not walls ----------------------------------------------------------------------------------------------------


def test_a_bundled_sample_site_page_is_not_a_wall() -> None:
    companies = load_companies(BUNDLED_DATA / "sample_site")
    for sample in companies.values():
        page = render_company_page(sample, 1).encode()
        assert blocking(200, {}, page, URL, False) is None, sample.slug


@pytest.mark.parametrize(
    "fields",
    [
        {"cons": "Le logiciel de pointage affiche « Just a moment... » toute la matinée."},
        {"title": "Just a moment, please wait", "pros": "Checking your browser avant chaque réunion, une blague."},
        {"cons": "Il faut résoudre un captcha pour chaque note de frais."},
        {"pros": "Le login de l'intranet est simple ; sign in en un clic, connexion rapide."},
        {"advice": "Mettez un mot de passe (password) moins compliqué sur les postes."},
    ],
    ids=["just a moment", "challenge words in the title", "captcha", "login", "password"],
)
def test_a_review_that_mentions_wall_words_is_not_a_wall(fields: dict[str, str]) -> None:
    assert blocking(200, {}, review_page(**fields), URL, False) is None


def test_a_review_that_asks_if_one_is_a_robot_is_not_a_captcha() -> None:
    page = review_page(cons="Cadences infernales : êtes-vous un robot ? C'est la question qu'on se pose.")
    assert blocking(200, {}, page, URL, False) is None


def test_a_company_whose_name_says_connexion_is_not_a_login_wall() -> None:
    [page] = company_pages(company("connexion-plus", "Connexion Plus", [review("r1", 3)])).values()
    assert blocking(200, {}, page.encode(), URL, False) is None


def test_a_page_with_a_search_form_and_a_sign_in_link_is_not_a_wall() -> None:
    body = (
        '<header><a href="/login">Se connecter</a></header>'
        '<form action="/recherche" method="get"><input type="search" name="q"><button>Rechercher</button></form>'
        "<article><h2>Très bonne ambiance</h2><p>Équipe soudée.</p></article>"
    )
    assert blocking(200, {}, html("Avis Acme — page 1", body), URL, False) is None


def test_a_redirect_to_another_review_page_is_not_a_wall() -> None:
    assert blocking(200, {}, review_page(), URL + "?page=2", True) is None


@pytest.mark.parametrize(
    ("status", "title"), [(404, "Page introuvable"), (500, "Erreur interne du serveur"), (403, "Accès refusé")]
)
def test_an_ordinary_error_page_is_not_a_wall(status: int, title: str) -> None:
    assert blocking(status, {}, html(title, f"<h1>{title}</h1>"), URL, False) is None


def test_an_undecodable_page_is_not_a_wall() -> None:
    assert blocking(200, {}, b"\xff\xfe\x00garbage\x80", URL, False) is None


# --- the middleware -----------------------------------------------------------------------------------------------


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return get_crawler(settings_dict={"REVINT_ARCHIVE_DIR": str(tmp_path)})


def fetched(
    body: bytes, status: int = 200, url: str = URL, headers: dict[str, str] | None = None, redirected_from: str = ""
) -> tuple[Request, HtmlResponse]:
    request = Request(url, meta={"redirect_urls": [redirected_from]} if redirected_from else {})
    response = HtmlResponse(url, status=status, headers=headers, body=body, encoding="utf-8", request=request)
    return request, response


def blocked_stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {key: value for key, value in crawler.stats.get_stats().items() if key.startswith("revint/blocked")}


def test_a_wall_is_counted_kept_archived_and_dropped(crawler: Crawler, tmp_path: Path) -> None:
    body = html("Just a moment...", CHALLENGE_SCRIPT)
    request, response = fetched(body, status=403)
    with pytest.raises(IgnoreRequest, match="anti_bot_challenge"):
        DetectBlocking.from_crawler(crawler).process_response(request, response)
    assert blocked_stats(crawler) == {
        "revint/blocked/anti_bot_challenge": 1,
        "revint/blocked_urls": [{"kind": "anti_bot_challenge", "url": URL}],
    }
    assert [(path.name, path.read_bytes()) for path in (tmp_path / "blocked").iterdir()] == [("0001-403.html", body)]


def test_a_redirect_to_a_login_page_and_a_challenge_header_are_walls_too(crawler: Crawler, tmp_path: Path) -> None:
    middleware = DetectBlocking.from_crawler(crawler)
    login = "https://reviews.example/login?next=/avis"
    for request, response in (
        fetched(html("Reviews"), url=login, redirected_from=URL),
        fetched(b"", status=403, headers={"cf-mitigated": "challenge"}),
    ):
        with pytest.raises(IgnoreRequest):
            middleware.process_response(request, response)
    stats = blocked_stats(crawler)
    assert (stats["revint/blocked/login_wall"], stats["revint/blocked/anti_bot_challenge"]) == (1, 1)
    assert [entry["url"] for entry in stats["revint/blocked_urls"]] == [login, URL]
    assert sorted(path.name for path in (tmp_path / "blocked").iterdir()) == ["0001-200.html", "0002-403.html"]


def test_only_the_first_blocked_urls_are_kept_but_every_wall_is_counted(crawler: Crawler) -> None:
    middleware = DetectBlocking.from_crawler(crawler)
    for n in range(BLOCKED_URLS_KEPT + 2):
        with pytest.raises(IgnoreRequest):
            middleware.process_response(*fetched(b"", status=401, url=f"{URL}?page={n}"))
    stats = blocked_stats(crawler)
    assert stats["revint/blocked/login_wall"] == BLOCKED_URLS_KEPT + 2
    assert [entry["url"] for entry in stats["revint/blocked_urls"]] == [
        f"{URL}?page={n}" for n in range(BLOCKED_URLS_KEPT)
    ]


def test_an_ordinary_page_passes_through_untouched(crawler: Crawler, tmp_path: Path) -> None:
    request, response = fetched(review_page(cons="Il faut un captcha pour tout, just a moment."))
    assert DetectBlocking.from_crawler(crawler).process_response(request, response) is response
    assert blocked_stats(crawler) == {}
    assert not (tmp_path / "blocked").exists()


def test_the_middleware_is_left_out_without_an_archive_folder() -> None:
    with pytest.raises(NotConfigured):
        DetectBlocking.from_crawler(get_crawler())
