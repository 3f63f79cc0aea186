"""One typed settings object for every command and flow: environment variables over defaults.

Bundled data (the sample site, the company directory) ships inside the package, in `revint/data` (in a source
checkout, a link to the repo's data/ folder). Generated files (crawl runs, the warehouse) go under
`REVINT_DATA_DIR`: by default the repo's data/ folder in a source checkout, `$XDG_DATA_HOME/revint` (or
~/.local/share/revint) when revint is installed from a wheel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from revint.constants import DEFAULT_CONTACT_URL, user_agent

PACKAGE_DIR: Final = Path(__file__).resolve().parent
BUNDLED_DATA: Final = PACKAGE_DIR / "data"
# The repo, when revint runs from a source checkout (an editable install); None when installed from a wheel.
SOURCE_CHECKOUT: Final = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
# The team's shared third-party corpus (training, evaluation, imports of real material), beside the checkout.
SHARED_CORPUS: Final = Path(
    os.environ.get("REVINT_CORPUS", (SOURCE_CHECKOUT or Path.cwd()).parent / "shared" / "corpus")
)


def default_data_dir() -> Path:
    if SOURCE_CHECKOUT is not None:
        return SOURCE_CHECKOUT / "data"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "revint"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_path: Path
    sample_site_dir: Path
    company_directory: Path
    contact_url: str
    download_delay: float
    retry_backoff: float  # seconds before a crawl's first retry of a page, doubled for each next one
    retry_after_max: float  # the longest a crawl waits before a retry, whatever a server's Retry-After asks

    @property
    def work_dir(self) -> Path:
        """Generated files (git-ignored): crawl runs, the demo warehouse."""
        return self.data_dir / "work"

    @property
    def user_agent(self) -> str:
        return user_agent(self.contact_url)

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("REVINT_DATA_DIR", default_data_dir()))
        return cls(
            data_dir=data_dir,
            db_path=Path(os.environ.get("REVINT_DB", data_dir / "work" / "revint.duckdb")),
            sample_site_dir=Path(os.environ.get("REVINT_SAMPLE_SITE", BUNDLED_DATA / "sample_site")),
            company_directory=Path(os.environ.get("REVINT_COMPANY_DIRECTORY", BUNDLED_DATA / "company_directory.csv")),
            contact_url=os.environ.get("REVINT_CONTACT_URL", DEFAULT_CONTACT_URL),
            download_delay=float(os.environ.get("REVINT_DOWNLOAD_DELAY", "1.0")),
            retry_backoff=float(os.environ.get("REVINT_RETRY_BACKOFF", "2.0")),
            retry_after_max=float(os.environ.get("REVINT_RETRY_AFTER_MAX", "600")),
        )

    def with_db(self, db_path: Path | None) -> Settings:
        return self if db_path is None else replace(self, db_path=db_path)
