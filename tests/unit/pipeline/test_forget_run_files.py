"""`revint forget` in the run folders: a crawl's saved state and a nightly run's files keep no forgotten id."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from revint.pipeline.forget import forget_in_run_files
from revint.runfiles import CHUNKS_DIR, FRESH_FILE, KNOWN_IDS_FILE, SPIDER_STATE


def test_forget_removes_the_ids_from_the_crawl_state_the_known_ids_and_a_nightly_runs_chunks(tmp_path: Path) -> None:
    run = tmp_path / "20261207T000000-sample"
    (run / "job").mkdir(parents=True)
    (run / "job" / SPIDER_STATE).write_bytes(pickle.dumps({"seen_review_ids": {"s:1", "s:2"}, "other": 3}))
    (run / KNOWN_IDS_FILE).write_text("s:1\ns:3\n", encoding="utf-8")
    (run / CHUNKS_DIR).mkdir()
    line = {"review_id": "s:1", "source": "s", "source_review_id": "1"}
    for path in (run / FRESH_FILE, run / CHUNKS_DIR / "00000.jsonl"):
        path.write_text(json.dumps(line) + "\n" + json.dumps(line | {"review_id": "s:2"}) + "\n", encoding="utf-8")

    removed = forget_in_run_files(tmp_path, {"s:1"})

    assert removed == 2
    assert pickle.loads((run / "job" / SPIDER_STATE).read_bytes()) == {"seen_review_ids": {"s:2"}, "other": 3}
    assert (run / KNOWN_IDS_FILE).read_text(encoding="utf-8") == "s:3\n"
    for path in (run / FRESH_FILE, run / CHUNKS_DIR / "00000.jsonl"):
        assert '"s:1"' not in path.read_text(encoding="utf-8")
