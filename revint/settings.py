"""One typed settings object for every command and flow: environment variables over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from revint.constants import DEFAULT_CONTACT_URL, user_agent

REPO_ROOT = Path(__file__).resolve().parents[1]


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
        data_dir = Path(os.environ.get("REVINT_DATA_DIR", REPO_ROOT / "data"))
        return cls(
            data_dir=data_dir,
            db_path=Path(os.environ.get("REVINT_DB", data_dir / "work" / "revint.duckdb")),
            sample_site_dir=Path(os.environ.get("REVINT_SAMPLE_SITE", data_dir / "sample_site")),
            company_directory=Path(
                os.environ.get("REVINT_COMPANY_DIRECTORY", REPO_ROOT / "data" / "company_directory.csv")
            ),
            contact_url=os.environ.get("REVINT_CONTACT_URL", DEFAULT_CONTACT_URL),
            download_delay=float(os.environ.get("REVINT_DOWNLOAD_DELAY", "1.0")),
            retry_backoff=float(os.environ.get("REVINT_RETRY_BACKOFF", "2.0")),
            retry_after_max=float(os.environ.get("REVINT_RETRY_AFTER_MAX", "600")),
        )

    def with_db(self, db_path: Path | None) -> Settings:
        return self if db_path is None else replace(self, db_path=db_path)
