"""Bad input gets a clear error naming where and what to do: never a traceback, never a hang."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from helpers import Pr, Y, theta

from derive import Derivation, DeriveError, Status, Symbolic, check_derivation
from derive.kernel import Algebra
from derive.rules import Rule, UnknownRule

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).name


def derive_cli(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", "derive.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd)


def test_a_step_without_a_rule_names_the_derivation_step_and_line():
    d = Derivation("nll", sp.log(Pr(Y[1], theta)))
    with pytest.raises(DeriveError) as error:
        d.eq(sp.log(Pr(Y[1], theta)), by=None, label="5.30")
    message = str(error.value)
    assert "derivation nll, step 5.30" in message and HERE in message
    assert "by=" in message


def test_an_unknown_rule_is_named_with_suggestions():
    d = Derivation("nll", sp.log(Pr(Y[1], theta)))
    with pytest.raises(UnknownRule) as error:
        d.eq(sp.log(Pr(Y[1], theta)), by="dirac_sifing", label="5.30")
    assert "no rule named 'dirac_sifing'" in str(error.value)
    assert "did you mean dirac_sifting" in str(error.value)
    assert "step 5.30" in str(error.value)


def test_strings_are_never_evaluated_as_expressions():
    with pytest.raises(DeriveError, match="strings are never evaluated"):
        Derivation("x", "__import__('os').system('echo hacked')")


def test_a_label_used_twice_is_refused():
    d = Derivation("x", sp.Integer(1))
    d.eq(sp.Integer(1), by="algebra", label="a")
    with pytest.raises(DeriveError, match="used twice"):
        d.eq(sp.Integer(1), by="algebra", label="a")


def test_a_derivation_without_steps_is_an_error():
    with pytest.raises(DeriveError, match="has no steps"):
        check_derivation(Derivation("empty", sp.Integer(1)))


def test_a_rule_that_crashes_makes_the_step_unproven_not_a_traceback():
    def propose(before, target, context):
        raise ValueError("boom")

    broken = Rule("broken", "a = b", (), propose)
    d = Derivation("x", sp.Integer(1))
    d.eq(sp.Integer(1), by=broken, label="s")
    (result,) = check_derivation(d, instances=10)
    assert result.verdict.status is Status.UNPROVEN
    assert "broken failed: ValueError: boom" in result.verdict.symbolic.detail


def test_a_rule_claiming_a_false_rewrite_is_judged_by_the_kernel():
    def propose(before, target, context):  # a lying rule: "the two lines are equal"
        return [Algebra(target)]

    d = Derivation("x", sp.Symbol("x", real=True) ** 2)
    d.eq(sp.Symbol("x", real=True) ** 3, by=Rule("liar", "", (), propose), label="s")
    (result,) = check_derivation(d, instances=100)
    # The kernel judges the certificate, it does not believe it: not shown, and the
    # numbers find the counterexample.
    assert result.verdict.status is Status.REFUTED
    assert result.verdict.symbolic.status is not Symbolic.PROVED
    assert "not shown" in result.verdict.symbolic.detail


def write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_a_proof_file_that_raises_on_import_is_named_with_its_line(tmp_path):
    path = write(tmp_path, "broken.py", """\
        import sympy as sp
        x = 1 / 0
        """)
    run = derive_cli("check", path)
    assert run.returncode == 2
    assert f"{path}:2" in run.stderr and "ZeroDivisionError" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_an_unknown_rule_in_a_proof_file_is_a_load_error_naming_the_file(tmp_path):
    path = write(tmp_path, "unknown.py", """\
        import sympy as sp
        from derive import Derivation
        d = Derivation("d", sp.Integer(1))
        d.eq(sp.Integer(1), by="no_such_rule", label="s")
        """)
    run = derive_cli("check", path)
    assert run.returncode == 2
    assert "no rule named 'no_such_rule'" in run.stderr and str(path) in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_path_is_a_usage_error():
    run = derive_cli("check", "no/such/folder")
    assert run.returncode == 2 and "no such file or folder" in run.stderr


def test_an_expression_that_makes_sympy_run_for_ever_times_out_as_unproven(tmp_path):
    path = write(tmp_path, "slow.py", """\
        import sympy as sp
        from derive import Derivation
        a, b, c, d, e = sp.symbols("a b c d e", real=True)
        s = a + b + c + d + e
        slow = Derivation("slow", s**24)
        slow.eq(s**22 * (a**2 + 2*a*(b + c + d + e) + (b + c + d + e)**2), by="algebra",
                label="expand")
        """)
    run = derive_cli("check", path, "--timeout", "1", "--instances", "100", timeout=120)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "UNPROVEN" in run.stdout and "timeout" in run.stdout
    assert "exceeded its time limit of 1 s (a guard against hangs" in run.stdout


def test_a_timeout_says_so_as_a_message_the_reports_translate():
    import time

    from derive import guard
    from derive.report.messages import segments

    with pytest.raises(guard.CheckTimeout) as stopped:
        with guard.time_limit(0.05):
            time.sleep(1)
    message = stopped.value.args[0]
    assert message.key == "guard.timeout" and str(message) == str(stopped.value)
    assert "0.05 s" in str(message)
    korean = "".join(str(part) for _, part in segments(message, "ko"))
    assert "제한 시간" in korean and "exceeded" not in korean
