"""Job families recognised in free-text job titles, for `revint questions --role`."""

from __future__ import annotations

import pytest

from revint.pipeline.insights.roles import families, family_of, find_family


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Caissière H/F", "store_staff"),
        ("Hôte de caisse", "store_staff"),
        ("Chef de rayon", "store_manager"),  # the longer pattern wins over "rayon"
        ("Préparateur de commandes", "warehouse"),
        ("Consultant Senior", "consultant"),
        ("Développeuse Full-Stack", "software_developer"),
        ("Software Engineer", "software_developer"),
        ("Stagiaire développeur", "software_developer"),  # the job wins over the status
        ("Stagiaire", "intern_apprentice"),
        ("Bank Teller", "bank_insurance"),
    ],
)
def test_a_job_title_falls_in_its_family_whatever_its_case_accents_and_gender(title: str, family: str) -> None:
    assert family_of(title) == family


def test_a_title_no_family_knows_has_none() -> None:
    assert family_of("Zythologue") is None
    assert family_of(None) is None and family_of("  ") is None


def test_a_role_is_named_by_its_family_id_or_one_of_its_titles() -> None:
    assert find_family("caissière").family_id == "store_staff"
    assert find_family("software_developer").label("fr")
    with pytest.raises(ValueError, match="names no job family"):
        find_family("zythologue")


def test_every_family_has_a_label_in_both_languages() -> None:
    assert len(families()) >= 20
    assert all(f.label("fr") and f.label("en") for f in families().values())
