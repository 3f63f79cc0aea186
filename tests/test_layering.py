"""The layering rule: stages talk through the contract, never by importing each other.

- The contract (the modules directly in revint/: record, runfiles, archive, taxonomy, companies, settings,
  constants, text) imports no stage.
- A stage (revint.spiders, revint.models, revint.pipeline.warehouse, revint.pipeline.insights) imports only the
  contract and itself.
- The rest of revint.pipeline (stages.py, flows, the CLI, importing, retag, forget, training, demo) wires the
  stages together and may import any of them.
Imports inside functions count too (the CLI imports lazily).
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "revint"
STAGES = ("revint.spiders", "revint.models", "revint.pipeline.warehouse", "revint.pipeline.insights")
ORCHESTRATION = "revint.pipeline"


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


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every revint import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, module) for line, module in found if _within(module, "revint")]


def layering_violations(root: Path) -> list[str]:
    """Every import that breaks the rule, as "file:line: importer (layer) → imported (layer)"."""
    violations = []
    for path in sorted(root.rglob("*.py")):  # rglob follows the links to the stage folders
        parts = path.relative_to(root.parent).with_suffix("").parts
        importer = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        own = _layer(importer)
        for line, module in _imports(path):
            target = _layer(module)
            allowed = own == "orchestration" or target in ("contract", own)
            if not allowed:
                violations.append(f"{path.relative_to(root.parent)}:{line}: {importer} ({own}) → {module} ({target})")
    return violations


def _all_but_python(folder: str, names: list[str]) -> list[str]:
    return [name for name in names if not name.endswith(".py") and not (Path(folder) / name).is_dir()]


def test_stages_import_only_the_contract_and_themselves() -> None:
    assert layering_violations(ROOT) == []


def test_the_check_catches_a_stage_importing_another_and_the_contract_importing_a_stage(tmp_path: Path) -> None:
    copy = tmp_path / "revint"
    shutil.copytree(ROOT, copy, ignore=_all_but_python)
    with (copy / "spiders" / "base.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef _tagger() -> object:\n    from revint.models.tagger import Tagger\n\n    return Tagger\n")
    with (copy / "record.py").open("a", encoding="utf-8") as module:
        module.write("\nimport revint.pipeline.warehouse.db\n")
    found = layering_violations(copy)
    assert len(found) == 2, found
    assert "revint.spiders.base (revint.spiders) → revint.models.tagger (revint.models)" in found[1]
    assert "revint.record (contract) → revint.pipeline.warehouse.db (revint.pipeline.warehouse)" in found[0]
