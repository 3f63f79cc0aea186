"""`revint site` in a real headless Chromium (Debian's `chromium`; the tests skip, saying why, without it): the
index loads and its search finds a company, a company page shows its chart, a hostile review shows as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from revint.pipeline.insights.site import build_site, page_name
from revint.pipeline.warehouse.db import connect
from revint.pipeline.warehouse.load import load_batch
from revint.record import TaggedReview
from tests.support.records import mention, review

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
HOSTILE = "<script>document.body.dataset.pwned = '1'</script><img src=x onerror=\"document.body.dataset.pwned='2'\">"
PAY = (
    "Les salaires sont bas depuis trois ans",
    "Aucune augmentation malgré les bons résultats",
    "Rémunération en dessous du marché pour ce poste",
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (make test installs Debian's as root)")


def _browser(*arguments: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Five ordinary companies and one whose name and quoted complaints carry markup that would run."""
    folder = tmp_path_factory.mktemp("site")
    batch = [
        TaggedReview(review(1000 * c + n, f"firm-{c}", company_name=f"Firme {c}"), [])
        for c in range(5)
        for n in range(30)
    ]
    batch += [
        TaggedReview(
            review(9000 + n, "hostile", company_name=f"Hostile {HOSTILE}"),
            [mention("compensation", text=f"{PAY[n % 3]} {HOSTILE}", evidence=0.99)] if n < 20 else [],
        )
        for n in range(30)
    ]
    con = connect(folder / "w.duckdb")
    load_batch(con, batch)
    build_site(con, folder / "site", lang="fr")
    con.close()
    yield folder / "site"


def test_the_index_loads_and_its_search_finds_a_company(site: Path) -> None:
    dom = _browser("--dump-dom", f"{(site / 'index.html').as_uri()}?q=firme%203")
    assert dom.count("<li data-name=") == 6
    assert len(re.findall(r'<li data-name="[^"]*" hidden="">', dom)) == 5  # all but the one searched for are hidden
    assert '<li data-name="Firme 3"><a' in dom  # and that one is not


def test_a_company_page_shows_its_chart_and_the_hostile_review_as_text(site: Path) -> None:
    page = site / page_name("hostile")
    dom = _browser("--dump-dom", page.as_uri())
    assert '<svg class="chart"' in dom and dom.count('class="company"') >= 2
    assert "pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]  # no script ran: the body has no data-pwned
    assert "<blockquote>Les salaires sont bas depuis trois ans &lt;script&gt;document.body.dataset.pwned" in dom
    assert "<script>document.body" not in dom
    assert "<img" not in dom
    ARTEFACTS.mkdir(exist_ok=True)
    _browser(
        "--hide-scrollbars", "--window-size=900,1400", f"--screenshot={ARTEFACTS / 'site-company.png'}", page.as_uri()
    )
    assert (ARTEFACTS / "site-company.png").stat().st_size > 10_000


def test_a_rebuilt_site_keeps_no_page_of_a_company_gone_and_pages_follow_ids_not_names(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    batch = [TaggedReview(review(n, "capgemini", company_name="Altran"), []) for n in range(12)]  # an alias
    batch += [TaggedReview(review(100 + n, "capgemini-invent", company_name="Capgemini Invent"), []) for n in range(12)]
    load_batch(con, batch)
    (tmp_path / "site" / "companies").mkdir(parents=True)
    (tmp_path / "site" / "companies" / "gone.html").write_text("a forgotten quote", encoding="utf-8")
    build_site(con, tmp_path / "site")
    con.close()
    assert sorted(p.name for p in (tmp_path / "site" / "companies").iterdir()) == [
        "capgemini-invent.html",
        "capgemini.html",
    ]
    assert "<h1>Altran</h1>" in (tmp_path / "site" / page_name("capgemini")).read_text(encoding="utf-8")


def test_the_compare_page_puts_two_companies_side_by_side(site: Path) -> None:
    dom = _browser("--dump-dom", f"{(site / 'compare.html').as_uri()}?c=hostile,firm-1")
    assert "<th>Part des avis qui critiquent</th>" in dom and "Rémunération et avantages" in dom
    assert "&lt;script&gt;" in dom and "<script>document" not in dom
