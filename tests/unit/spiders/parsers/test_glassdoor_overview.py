"""Glassdoor company overview pages (spiders/parsers/glassdoor_overview.py): two fixture pages written for these tests
(a claimed profile and an unclaimed one, the two kinds of page the saved corpus holds, with invented employers),
pages that are no overview page or lack facts, and the 140 real pages of the shared corpus, checked against the
course's own extraction (info-soc.csv); those tests skip when the corpus is absent. Nothing from the corpus is copied
here: expectations are counts and cross-checks."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest

from revint.companies import CompanyProfile, canonical_company_id
from revint.spiders.parsers.glassdoor_overview import parse_overview
from tests.support.pages import FETCHED_AT, corpus_file, fixture, pages_in_tar

CLAIMED_URL = "https://www.glassdoor.fr/Présentation/Travailler-chez-Fromagerie-Aubrac-EI_IE900.16,33.htm"
PAGE_NAME = re.compile(r"(\d+)-INFO-SOC-GLASSDOOR-E(\d+)_P\d+\.html$")


def test_a_claimed_profile_gives_every_fact_it_shows() -> None:
    profile = parse_overview(fixture("glassdoor", "overview_claimed.html"), CLAIMED_URL, FETCHED_AT)
    assert profile == CompanyProfile(
        source="glassdoor",
        company_name="Fromagerie Aubrac",
        company_id="fromagerie-aubrac",  # as the review pages of the same employer give it
        url=CLAIMED_URL,
        fetched_at=FETCHED_AT,
        source_company_id="900",
        sector="Fabrication de produits alimentaires",
        size="De 51 à 200 employés",
        headquarters="Laguiole, Occitanie",
        founded=1962,
        company_type="Entreprise non cotée en bourse",
        revenue="Moins d'1 million € (EUR) par an",  # escaped twice in the page, no-break space collapsed
        website="http://www.fromagerie-aubrac.example",
        source_reviews=42,
    )


def test_an_unclaimed_profile_leaves_out_what_it_does_not_know() -> None:
    profile = parse_overview(fixture("glassdoor", "overview_unclaimed.html"), "https://x.example/o", FETCHED_AT)
    assert profile is not None
    assert (profile.company_name, profile.company_id, profile.source_company_id) == (
        "Tuilerie Marcadal",
        "tuilerie-marcadal",
        "905",
    )
    # no headquarters row; "Inconnu" and "Ne sait pas" are no values; the parent company row is not a fact we keep
    assert (profile.sector, profile.headquarters, profile.founded, profile.revenue) == (None, None, None, None)
    assert (profile.size, profile.company_type) == ("Plus de 10 000 employés", "Filiale ou unité d'exploitation")
    assert profile.website == "https://www.tuilerie-marcadal.example/fr/"  # Glassdoor's "http://https://" undone
    assert profile.source_reviews == 1200  # "1,2k"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><p>Une page quelconque</p></body></html>",
        fixture("glassdoor", "page1.html"),  # a review page
        "<html><body><div id='EmpBasicInfo'><div class='infoEntity'><label>Secteur</label>"
        "<span class='value'>Conseils</span></div></div></body></html>",  # facts, but no employer named
        "<html><body><p>EmpBasicInfo</p></body></html>",  # the word, not the box
    ],
    ids=["empty", "another page", "review page", "no employer name", "no facts box"],
)
def test_a_page_that_is_no_overview_page_gives_no_profile(html: str) -> None:
    assert parse_overview(html, "https://x.example/p", FETCHED_AT) is None


def test_a_box_without_facts_gives_the_employer_alone_and_ids_come_from_the_address_when_the_box_has_none() -> None:
    html = (
        "<html><body><h1 class='strong'><span>Brasserie &amp; Fils</span></h1>"
        "<div id='EmpBasicInfo'><div class='info'><div class='infoEntity'><label>Taille</label>"
        "<span class='value'> Inconnu </span></div><div class='infoEntity'><label>Fondé en</label>"
        "<span class='value'>vers 1900</span></div></div></div>"
        "<a class='eiCell cell reviews'><span class='num h2'>beaucoup</span></a></body></html>"
    )
    url = "https://www.glassdoor.fr/Présentation/Travailler-chez-Brasserie-EI_IE123.16,25.htm"
    profile = parse_overview(html, url, FETCHED_AT)
    assert profile == CompanyProfile("glassdoor", "Brasserie & Fils", "brasserie-and-fils", url, FETCHED_AT, "123")


# --- the 140 saved glassdoor.fr overview pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedOverview:
    folder: str  # the course's enterprise id (file-name prefix), the `id_enterprise` of info-soc.csv
    employer: str  # Glassdoor's employer id
    claimed: bool  # an unclaimed profile asks "Vous travaillez ici ?" in the facts box's header
    profile: CompanyProfile | None


@pytest.fixture(scope="module")
def saved_overviews() -> list[SavedOverview]:
    archive = corpus_file("glassdoor-fr-datalake", "glassdoor_fr_info_soc_pages_140.tar.xz")
    pages = []
    for found, html, saved_at in pages_in_tar(archive, PAGE_NAME):
        claimed = "feaCta" not in html.split("id='EmpBasicInfo'", 1)[-1].split("infoEntity", 1)[0]
        profile = parse_overview(html, f"https://www.glassdoor.fr/{found.group(0)}", saved_at)
        pages.append(SavedOverview(found.group(1), found.group(2), claimed, profile))
    return pages


@pytest.fixture(scope="module")
def info_soc() -> dict[str, dict[str, str]]:
    """The course's extraction of the same pages, by enterprise id."""
    with corpus_file("glassdoor-fr-datalake", "info-soc.csv").open(encoding="utf-8", newline="") as rows:
        return {row["id_enterprise"]: row for row in csv.DictReader(rows)}


def _value(text: str) -> str | None:
    """A value of info-soc.csv as the parser gives it: whitespace collapsed, "Inconnu" no value."""
    collapsed = " ".join(text.split())
    return None if collapsed in ("", "Inconnu") else collapsed


def test_every_saved_overview_page_of_both_kinds_gives_its_employer(saved_overviews: list[SavedOverview]) -> None:
    assert len(saved_overviews) == 140
    assert {page.claimed for page in saved_overviews} == {True, False}  # both kinds are there, and read alike
    assert all(page.profile is not None for page in saved_overviews)
    profiles = [page.profile for page in saved_overviews if page.profile is not None]
    assert [p.source_company_id for p in profiles] == [page.employer for page in saved_overviews]
    assert len({p.source_company_id for p in profiles}) == 131
    assert all(p.company_id == canonical_company_id(p.company_name) for p in profiles)
    assert all(p.url.startswith("https://") and p.source_reviews is not None for p in profiles)
    assert sum(p.size is not None for p in profiles) == 130 and sum(p.headquarters is not None for p in profiles) == 136


def test_sectors_are_found_wherever_the_course_found_one_and_read_the_same(
    saved_overviews: list[SavedOverview], info_soc: dict[str, dict[str, str]]
) -> None:
    ours = {page.folder: page.profile.sector if page.profile else None for page in saved_overviews}
    theirs = {folder: _value(row["sector"]) for folder, row in info_soc.items()}
    assert set(ours) == set(theirs)
    mismatches = {f: (ours[f], theirs[f]) for f in ours if ours[f] and theirs[f] and ours[f] != theirs[f]}
    assert mismatches == {}
    assert sum(s is not None for s in ours.values()) >= sum(s is not None for s in theirs.values()) == 112
    missed = [folder for folder, sector in theirs.items() if sector and not ours[folder]]
    assert missed == []
    employers = {page.employer for page in saved_overviews if page.profile and page.profile.sector}
    assert len(employers) == 104  # of 131 employers


def test_size_headquarters_and_year_agree_with_the_course_extraction(
    saved_overviews: list[SavedOverview], info_soc: dict[str, dict[str, str]]
) -> None:
    for column, field in (("size", "size"), ("city", "headquarters"), ("founding_date", "founded")):
        ours = {page.folder: getattr(page.profile, field) for page in saved_overviews}
        ours = {folder: None if value is None else str(value) for folder, value in ours.items()}  # years as text
        theirs = {folder: _value(row[column]) for folder, row in info_soc.items()}
        assert {f: (ours[f], theirs[f]) for f in ours if ours[f] != theirs[f]} == {}, column
