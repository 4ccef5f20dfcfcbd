"""Verdicts do not depend on the machine: a document's search is budgeted in attempts, so two
runs at once (each slowing the other) reach the same verdicts, step by step."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = next((p for p in (ROOT.parent / "shared" / "reference" / "UDL_Equations.tex",
                         Path("/work/shared/reference/UDL_Equations.tex")) if p.exists()), None)


def _statuses(output: str) -> dict[str, str]:
    document = json.loads(output)
    return {f"{d['name']}::{s['label']}": s["status"] for d in document["derivations"]
            for s in d["steps"]}


@pytest.mark.slow
@pytest.mark.skipif(BOOK is None, reason="../shared/reference/UDL_Equations.tex is absent")
def test_two_runs_at_once_reach_the_same_verdicts(tmp_path):
    command = [sys.executable, "-m", "derive", "check", str(BOOK), "--chapter", "5",
               "--format", "json", "--no-cache", "--instances", "200"]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    first, second = (_statuses(output) for output in outputs)
    assert first == second
    assert sum(status == "VERIFIED" for status in first.values()) >= 18
