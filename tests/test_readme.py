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


def python_blocks_after(heading: str) -> list[str]:
    text = README.read_text()
    section = text[text.index(heading):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_every_example_of_writing_proofs_in_python_runs(capsys):
    blocks = python_blocks_after("## Writing proofs in Python")
    assert len(blocks) == 4
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert "5.4 VERIFIED\n5.5 VERIFIED" in capsys.readouterr().out


def test_derive_rules_lists_every_rule_a_step_can_cite(capsys):
    from derive.cli import main

    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    for name in ("substitute(DEFINITION)", "reparametrise(OLD, NEW, VARIABLES)",
                 "drop_positive_factor"):
        assert name in listing
    assert main(["rules", "substitute"]) == 0 and main(["rules", "reparametrise"]) == 0


def test_every_python_example_in_the_readme_runs():
    # Each ```python block of the README is executed as written (a custom rule's example
    # registers a rule, so the registry is restored afterwards).
    from derive.rules import base

    saved, aliases = dict(base._registry), dict(base._aliases)
    try:
        for block in re.findall(r"```python\n(.*?)```", README.read_text(), re.S):
            exec(compile(block, "README.md", "exec"), {})
    finally:
        base._registry.clear()
        base._registry.update(saved)
        base._aliases.clear()
        base._aliases.update(aliases)
