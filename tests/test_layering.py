"""The layering rule: stages talk through the contract, never by importing each other.

- The contract (the modules directly in revint/: record, runfiles, archive, taxonomy, companies, settings,
  constants, text) imports no stage.
- A stage (revint.spiders, revint.models, revint.pipeline.warehouse, revint.pipeline.insights) imports only the
  contract and itself.
- The rest of revint.pipeline (stages.py, flows, the CLI, importing, retag, forget, training, demo) wires the
  stages together and may import any of them.
Imports inside functions count too (the CLI imports lazily); relative imports and the stage folders' bare
names (`models.tagger`, which resolve from the repo root) are refused outright, so nothing slips past the rule.
"""

from __future__ import annotations

import ast
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "revint"
STAGES = ("revint.spiders", "revint.models", "revint.pipeline.warehouse", "revint.pipeline.insights")
ORCHESTRATION = "revint.pipeline"
BARE_NAMES = ("spiders", "models", "pipeline", "bench", "tests")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer(module: str) -> str:
    """The stage a module belongs to, "orchestration", or "contract"."""
    for stage in STAGES:
        if _within(module, stage):
            return stage
    if _within(module, ORCHESTRATION):
        return "orchestration"
    return "contract"


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in a file; `from revint import models` counts as `revint.models`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield node.lineno, "." * node.level + (node.module or "")
            elif node.module == "revint":
                yield from ((node.lineno, f"revint.{alias.name}") for alias in node.names)
            elif node.module:
                yield node.lineno, node.module


def python_files(root: Path) -> list[Path]:
    """Every module under `root`, through the links to the stage folders."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def layering_violations(root: Path) -> list[str]:
    """Every import that breaks the rule, as "file:line: importer (layer) → imported (layer)"."""
    violations = []
    for path in python_files(root):
        parts = path.relative_to(root.parent).with_suffix("").parts
        importer = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        own = _layer(importer)
        for line, module in _imports(path):
            where = f"{path.relative_to(root.parent)}:{line}: {importer} ({own})"
            if module.startswith(".") or module.split(".")[0] in BARE_NAMES:
                violations.append(f"{where} → {module} (write revint.… in full)")
            elif _within(module, "revint") and not (own == "orchestration" or _layer(module) in ("contract", own)):
                violations.append(f"{where} → {module} ({_layer(module)})")
    return violations


def _all_but_python(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if not name.endswith(".py") and not (Path(folder) / name).is_dir()]


def test_stages_import_only_the_contract_and_themselves() -> None:
    modules = {".".join(path.relative_to(ROOT.parent).with_suffix("").parts) for path in python_files(ROOT)}
    assert {_layer(module) for module in modules} == {"contract", "orchestration", *STAGES}  # read through the links
    assert layering_violations(ROOT) == []


def test_the_check_catches_a_stage_importing_another_and_the_contract_importing_a_stage(tmp_path: Path) -> None:
    copy = tmp_path / "revint"
    shutil.copytree(ROOT, copy, ignore=_all_but_python)
    with (copy / "spiders" / "base.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef _tagger() -> object:\n    from revint.models.tagger import Tagger\n\n    return Tagger\n")
    with (copy / "record.py").open("a", encoding="utf-8") as module:
        module.write("\nimport revint.pipeline.warehouse.db\n")
    with (copy / "pipeline" / "warehouse" / "load.py").open("a", encoding="utf-8") as module:
        module.write("\nfrom revint import spiders\nfrom models import tagger\nfrom .. import stages\n")
    found = layering_violations(copy)
    assert len(found) == 5, found
    assert any("revint.spiders.base (revint.spiders) → revint.models.tagger (revint.models)" in v for v in found)
    assert any(
        "revint.record (contract) → revint.pipeline.warehouse.db (revint.pipeline.warehouse)" in v for v in found
    )
    assert any("load (revint.pipeline.warehouse) → revint.spiders (revint.spiders)" in v for v in found)
    assert any("→ models (write revint.… in full)" in v for v in found)
    assert any("→ .. (write revint.… in full)" in v for v in found)
