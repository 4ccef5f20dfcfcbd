"""The README's example runs, and the derivation it writes is VERIFIED."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_block_after(heading: str) -> str:
    text = README.read_text()
    section = text[text.index(heading):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_writing_a_derivation_example_runs_and_verifies(capsys):
    exec(compile(python_block_after("## Writing a derivation"), "README.md", "exec"), {})
    assert "proved symbolically and checked on 1000 random instances" in capsys.readouterr().out
