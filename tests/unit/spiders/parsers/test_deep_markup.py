"""Markup nested thousands deep, as a hostile page may hold it: libxml2 would stop reading and drop the reviews after
it; the parsers flatten what opens past MAX_MARKUP_DEPTH first and read every review."""

from __future__ import annotations

from datetime import UTC, datetime

from revint.pipeline.sample_site import load_companies, render_company_page
from revint.settings import Settings
from revint.spiders.parsers.sample_site import parse_page
from revint.spiders.parsers.structured import MAX_MARKUP_DEPTH, shallow_markup


def test_a_page_nested_thousands_deep_before_its_reviews_still_gives_every_review() -> None:
    company = next(iter(load_companies(Settings.from_env().sample_site_dir).values()))
    page = render_company_page(company, 1)
    nested = page.replace("<body>", "<body>" + "<div>" * 5_000 + "x" + "</div>" * 5_000, 1)
    url = "http://127.0.0.1/entreprise/x/avis"
    expected = [r.review_id for r in parse_page(page, url, datetime.now(UTC)).records]
    assert expected and [r.review_id for r in parse_page(nested, url, datetime.now(UTC)).records] == expected


def test_markup_of_ordinary_depth_is_left_byte_for_byte() -> None:
    html = "<html><body><ul><li>a<br>b<img src=x /></li></ul><p>c</p></body></html>"
    assert shallow_markup(html) == html


def test_repeated_wrappers_collapse_to_one_and_other_deep_tags_are_cut_at_the_limit() -> None:
    wrapped = "<p>" + "<b>" * (MAX_MARKUP_DEPTH + 5) + "t" + "</b>" * (MAX_MARKUP_DEPTH + 5) + "</p><i>u</i>"
    assert shallow_markup(wrapped) == "<p><b>t</b></p><i>u</i>"
    alternating = "<b><i>" * MAX_MARKUP_DEPTH + "t" + "</i></b>" * MAX_MARKUP_DEPTH
    cut = shallow_markup(alternating)
    assert cut.count("<b>") + cut.count("<i>") == MAX_MARKUP_DEPTH and cut.count("</b>") == cut.count("<b>")


def test_a_page_wrapped_thousands_deep_keeps_its_own_nested_blocks() -> None:
    """Only a tag opened right inside the very same tag is a wrapper: `<div class="a"><div class="b">` stays."""
    own = '<div class="review"><div class="factor"><h4>Gehalt</h4><p>gut</p></div></div>'
    flat = shallow_markup("<body>" + "<div>" * (MAX_MARKUP_DEPTH + 5) + own + "</div>" * (MAX_MARKUP_DEPTH + 5))
    assert flat == "<body><div>" + own + "</div>"
