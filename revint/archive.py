"""The raw page archive: every fetched review page, compressed, with its URL and fetch time.

`revint reparse` rebuilds reviews from it after a parser change, without fetching anything again.
Layout: gzip-compressed JSON Lines files (`*.jsonl.gz`) in an archive folder, one page per line.
"""

from __future__ import annotations

import base64
import gzip
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import orjson


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

    def to_json_line(self) -> bytes:
        """One line of an archive file, newline included (UTF-8 JSON, by orjson: a 300 KB page in a third of the
        time json takes); the body as text when it decodes losslessly (it compresses far better), else base64."""
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
        return orjson.dumps(row) + b"\n"

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
    """Appends pages to one compressed file; the compressing and writing happen in a thread of their own.

    Compressing a review page (a few hundred KB) takes milliseconds, which zlib spends without holding the GIL: a
    crawl parses the next page meanwhile. The page's JSON line is made by the caller, as that work holds the GIL
    wherever it runs. Each page is flushed once written, so a crash loses at most the pages still queued (a
    killed crawl starts over and fetches them again); `close` writes every page it was given. A failed write is
    raised by the next `write` or by `close`.
    """

    QUEUED_PAGES_MAX: ClassVar = 32  # a crawl outpacing the disk waits rather than holding pages in memory

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Level 2 takes half the CPU of level 5 for files 12 % larger (209 saved Glassdoor pages: 0.7 s against 1.3 s).
        self._file = gzip.open(path, "ab", compresslevel=2)  # noqa: SIM115 (open across writes)
        self._lines: queue.Queue[bytes | None] = queue.Queue(self.QUEUED_PAGES_MAX)
        self._failure: Exception | None = None
        self._thread = threading.Thread(target=self._write_queued, name=f"archive {path}", daemon=True)
        self._thread.start()

    def write(self, page: ArchivedPage) -> None:
        self._raise_failure()
        self._lines.put(page.to_json_line())

    def close(self) -> None:
        self._lines.put(None)
        self._thread.join()
        self._file.close()
        self._raise_failure()

    def _write_queued(self) -> None:
        while (line := self._lines.get()) is not None:
            if self._failure is None:  # after a failure, lines are taken off the queue only, so writers never block
                try:
                    self._file.write(line)
                    self._file.flush()
                except Exception as failure:  # raised in the crawl's thread, by the next write or close
                    self._failure = failure

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise OSError(f"writing the page archive {self.path} failed: {self._failure}") from self._failure


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
