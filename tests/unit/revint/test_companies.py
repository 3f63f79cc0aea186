"""Company ids: one canonical id for an employer however a source spells its name."""

from __future__ import annotations

import re

import pytest

from revint.companies import canonical_company_id

# --- company resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spellings", "expected"),
    [
        (["Gfi Informatique SA", "GFI Informatique", "gfi informatique", "GFI  Informatique"], "gfi-informatique"),
        (["Société Générale", "SOCIETE GENERALE", "Societe Generale SA"], "societe-generale"),
        (["Procter & Gamble", "Procter and Gamble", "PROCTER&GAMBLE"], "procter-and-gamble"),
        (["L’Oréal", "L'Oreal", "L'ORÉAL Groupe"], "l-oreal"),
        (["Banque Mutuelle du Rhône", "banque mutuelle du rhone"], "banque-mutuelle-du-rhone"),
    ],
)
def test_spellings_of_one_employer_share_one_canonical_id(spellings: list[str], expected: str) -> None:
    assert {name: canonical_company_id(name) for name in spellings} == dict.fromkeys(spellings, expected)


@pytest.mark.parametrize("dotted", ["GFI Informatique S.A.", "GFI Informatique S.A.S."])
def test_dotted_legal_suffix_is_ignored_like_the_plain_one(dotted: str) -> None:
    assert canonical_company_id(dotted) == canonical_company_id("GFI Informatique SA") == "gfi-informatique"


def test_different_employers_keep_different_ids() -> None:
    assert canonical_company_id("GFI Informatique") != canonical_company_id("GFI Conseil")
    assert canonical_company_id("Procter & Gamble") != canonical_company_id("Procter Gamble")


def test_name_made_only_of_legal_words_still_gets_an_id() -> None:
    assert canonical_company_id("Groupe SA") == "groupe-sa"
    assert canonical_company_id("Company") == "company"


def test_canonical_ids_are_url_safe_slugs() -> None:
    for name in ["Ça & Là SARL", "Ü-Bahn GmbH", "3M Company", "  Espaces  "]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", canonical_company_id(name)), name
