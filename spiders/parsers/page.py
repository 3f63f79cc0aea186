"""What every page parser returns."""

from dataclasses import dataclass, field

from revint.record import ReviewRecord


@dataclass
class ParsedPage:
    """The records found on one page, what could not be parsed, and where the list continues."""

    company_name: str | None
    records: list[ReviewRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    next_url: str | None = None

    @property
    def review_blocks(self) -> int:
        """Review blocks seen on the page, parsed or not: zero on a page that should hold reviews is a canary."""
        return len(self.records) + len(self.errors)
