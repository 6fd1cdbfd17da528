"""tools/runc-within-bounds.py: the runtime `make container-test` uses where this
machine cannot grant every capability. Its spec editing, on files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "runc_within_bounds", ROOT / "tools" / "runc-within-bounds.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()
ALL = ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_RESOURCE"]


def test_a_container_spec_keeps_only_the_capabilities_allowed(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "ociVersion": "1.0.2",
                "process": {
                    "args": ["sh"],
                    "capabilities": {
                        "bounding": ALL,
                        "effective": ALL,
                        "permitted": ALL,
                        "inheritable": ALL,
                    },
                },
            }
        )
    )
    tool.trim(config, {"CAP_CHOWN", "CAP_SYS_ADMIN"}, in_process=False)
    spec = json.loads(config.read_text())
    assert spec["ociVersion"] == "1.0.2" and spec["process"]["args"] == ["sh"]
    for names in spec["process"]["capabilities"].values():
        assert names == ["CAP_CHOWN", "CAP_SYS_ADMIN"]


def test_an_exec_process_file_is_trimmed_too(tmp_path: Path) -> None:
    process = tmp_path / "process.json"
    process.write_text(json.dumps({"args": ["ls"], "capabilities": {"bounding": ALL}}))
    tool.trim(process, {"CAP_CHOWN"}, in_process=True)
    assert json.loads(process.read_text())["capabilities"] == {"bounding": ["CAP_CHOWN"]}


def test_runc_options_in_both_spellings() -> None:
    args = ["--root", "/run/x", "create", "--bundle", "/b", "--pid-file=/p", "id"]
    assert tool.option(args, "--bundle") == "/b"
    assert tool.option(args, "--pid-file") == "/p"
    assert tool.option(args, "--process") is None


def test_the_bounding_set_names_this_process_capabilities() -> None:
    bounding = tool.bounding_set()
    assert bounding <= {f"CAP_{name}" for name in tool.CAPABILITIES}
    assert "CAP_SYS_ADMIN" in bounding  # the lab needs it; a root test run has it
