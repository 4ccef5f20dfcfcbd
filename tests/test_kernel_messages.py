"""The kernel says what it means as data (a key and its arguments); its English words are in
derive/messages.py. Every key the kernel, the checker, the numeric checker or the document
reader can say has a template there, and a message reads as its template filled with its
arguments."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sympy as sp

from derive import kernel
from derive.kernel import conditions as cond
from derive.messages import ENGLISH

ROOT = Path(__file__).resolve().parents[1] / "derive"
KEY = re.compile(r"(cond|how|why|eq|judge|relation|definition|cert|schema|check|numeric|document)"
                 r"\.[a-z_]*[a-z]")


def _keys_said(path: Path) -> set[str]:
    """Every message key written out in a source file (a key made from a kind, as
    ``f"cond.{kind}"``, is checked by kind below)."""
    return {node.value for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and KEY.fullmatch(node.value)}


def test_every_key_the_kernel_and_the_checker_say_has_english_words():
    sources = [*sorted((ROOT / "kernel").glob("*.py")), ROOT / "checker.py",
               *sorted((ROOT / "numeric").glob("*.py")), *sorted((ROOT / "latex").glob("*.py"))]
    said = set().union(*(_keys_said(p) for p in sources))
    assert len(said) > 100
    assert not said - set(ENGLISH), sorted(said - set(ENGLISH))


def test_every_condition_kind_has_a_statement_and_what_to_declare():
    for kind in cond._SUBJECTS:
        assert f"cond.{kind}" in ENGLISH, kind
    for kind in cond._PREDICATES:
        assert f"how.unshown_{kind}" in ENGLISH, kind


def test_a_message_reads_as_its_template_filled_with_its_arguments():
    x = sp.Symbol("x")
    c = cond.positive(x - 1)
    assert c.statement == kernel.Message("cond.positive", (("e", x - 1),))
    assert str(c.statement) == "x - 1 > 0"
    how = cond.check(c).how
    assert how.key == "how.unshown_positive"
    assert str(how) == ("cannot show x - 1 > 0: declare x positive where that is true (for "
                        "example Symbol('x', positive=True) in Python, % derive: positive x "
                        "in a document), or pass a hypothesis")
    parts = kernel.say("judge.condition_unshown", parts=(how, how))
    assert str(parts).count("; ") == 1 and "x - 1 > 0" in parts


def test_an_error_of_the_kernel_is_a_message_too():
    line = sp.Symbol("y") + 1
    try:
        kernel.advance(line, kernel.Flip())
    except kernel.CertificateError as e:
        (message,) = e.args
        assert message.key == "cert.not_optimisation"
        assert str(e) == f"exchanging argmax and argmin applies to an argmin or argmax, not to {line}"
    else:
        raise AssertionError("a Flip of a line that is no argmin applied")
