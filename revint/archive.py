"""The raw page archive: every fetched review page, compressed, with its URL and fetch time.

`revint reparse` rebuilds reviews from it after a parser change, without fetching anything again.
Layout: gzip-compressed JSON Lines files (`*.jsonl.gz`) in an archive folder, one page per line.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class ArchivedPage:
    url: str
    fetched_at: datetime
    status: int
    spider: str  # the spider that fetched it, which names the parser to use again
    body: bytes
    encoding: str | None = None

    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    def to_json_line(self) -> str:
        """The body as text when it decodes losslessly (it compresses far better), else base64."""
        row: dict[str, object] = {
            "url": self.url,
            "fetched_at": self.fetched_at.isoformat(),
            "status": self.status,
            "spider": self.spider,
            "encoding": self.encoding,
        }
        try:
            row["text"] = self.body.decode(self.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            row["body"] = base64.b64encode(self.body).decode("ascii")
        return json.dumps(row, ensure_ascii=False)

    @classmethod
    def from_json_line(cls, line: str) -> ArchivedPage:
        row = json.loads(line)
        encoding = row.get("encoding")
        body = row["text"].encode(encoding or "utf-8") if "text" in row else base64.b64decode(row["body"])
        return cls(
            url=row["url"],
            fetched_at=datetime.fromisoformat(row["fetched_at"]),
            status=row["status"],
            spider=row["spider"],
            body=body,
            encoding=encoding,
        )


class ArchiveWriter:
    """Appends pages to one compressed file; each page is flushed so a crash loses at most the last one."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: IO[str] = gzip.open(path, "at", encoding="utf-8", compresslevel=5)  # noqa: SIM115 (open across writes)

    def write(self, page: ArchivedPage) -> None:
        self._file.write(page.to_json_line() + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_archive(path: Path) -> Iterator[ArchivedPage]:
    """The pages of one archive file, or of every `*.jsonl.gz` file in a folder (sorted by name)."""
    files = sorted(path.glob("*.jsonl.gz")) if path.is_dir() else [path]
    for file in files:
        with gzip.open(file, "rt", encoding="utf-8") as lines:
            try:
                for line in lines:
                    if line.strip():
                        yield ArchivedPage.from_json_line(line)
            except (EOFError, gzip.BadGzipFile):
                continue  # the end of a file cut short by a crash: the pages before it are intact
