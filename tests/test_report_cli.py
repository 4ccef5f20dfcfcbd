"""``derive report`` and ``derive check --report`` on the command line, and bad outputs."""

import json
import os
import re

import pytest
from test_report_fixtures import PROOF, ROOT, udl_items

from derive.cli import main
from derive.report import ReportError, write_report


def test_report_md_through_the_command_line(tmp_path, capsys):
    out = tmp_path / "udl.md"
    assert main(["report", str(PROOF), "-o", str(out), "--lang", "ko"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and "lang: ko" in text
    assert "검증 근거" in text and "\\begin{aligned}" in text
    assert f"wrote {out}" in capsys.readouterr().err


def test_report_tex_to_standard_output_in_plain_style(capsys):
    assert main(["report", str(PROOF), "--style", "plain", "--instances", "50"]) == 0
    tex = capsys.readouterr().out
    assert "\\documentclass" in tex.split("\n")[1] and "\\operatorname*{argmin}" in tex


def test_check_writes_a_report_too(tmp_path, capsys):
    out = tmp_path / "checked.tex"
    assert main(["check", str(PROOF), "--instances", "50", "--report", str(out)]) == 0
    assert "Steps: 7 (7 verified, 0 refuted, 0 unproven)" in out.read_text()
    assert "8 steps: 8 verified" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["report", str(PROOF), "-o"], ["check", str(PROOF),
                                                                    "--report"]])
def test_output_folder_that_does_not_exist_is_a_clear_error(tmp_path, capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([*command, str(tmp_path / "missing" / "r.pdf")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "missing does not exist; create it first" in err and "Traceback" not in err


def test_unknown_suffix_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["report", str(PROOF), "-o", str(tmp_path / "r.docx")])
    assert "end the name with .tex, .pdf or .md" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ReportError, match="cannot write there"):
            write_report(udl_items(), folder / "r.md")
    finally:
        folder.chmod(0o700)


def test_a_write_that_fails_is_a_clear_error(tmp_path):
    # /proc takes no new files, even from root: the write itself fails, and says so.
    with pytest.raises(ReportError, match="cannot write"):
        write_report(udl_items(), "/proc/derive-report.md")


def test_output_that_is_a_folder_is_a_clear_error(tmp_path):
    (tmp_path / "r.md").mkdir()
    with pytest.raises(ReportError, match="is a folder"):
        write_report(udl_items(), tmp_path / "r.md")


def test_report_of_a_path_without_derivations_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    assert main(["report", str(empty)]) == 2
    assert "no derivation found" in capsys.readouterr().err


def test_report_from_the_repository_root_names_the_file_relatively(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.md"
    main(["report", "proofs", "-o", str(out), "--instances", "20"])
    assert "(file `proofs/udl_5_27_to_5_31.py`)" in out.read_text()


def test_check_states_a_conclusion_in_readable_notation_and_json_keeps_its_fields(capsys):
    proof = str(ROOT / "proofs" / "log_sum_exp_bounds.py")
    assert main(["check", proof, "--only", "named_upper_bound::1", "--instances", "30",
                 "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert ("conclusion: log(Sum(exp(a[k]), (k, 1, K))) <= log(K) + max_{k=1..K}[a[k]]: "
            "proved") in out
    assert "Maximum(" not in out
    assert main(["check", proof, "--only", "named_upper_bound::1", "--instances", "30",
                 "--no-cache", "--format", "json"]) == 0
    (block,) = json.loads(capsys.readouterr().out)["derivations"]
    conclusion = block["conclusion"]
    assert (conclusion["relation"], conclusion["proved"]) == ("<=", True)
    assert conclusion["last"] == "log(K) + max_{k=1..K}[a[k]]"


BOUNDS = ("jensen", "gibbs", "log_bound", "exp_bound", "log_sum_exp_lower_bound",
          "log_sum_exp_upper_bound", "sum_and_max_term", "cauchy_schwarz", "termwise_bound",
          "drop_nonnegative_term")
PROBABILITY = ("product_rule", "bayes_rule", "marginalisation", "drop_independent_condition",
               "density_integrates_to_one", "kl_from_integral", "max_of_exp")


def test_derive_rules_lists_the_bounds_and_the_rules_of_probability(capsys):
    assert main(["rules"]) == 0
    blocks = {block.split("  (", 1)[0]: block
              for block in re.split(r"\n(?=\S)", capsys.readouterr().out)}
    for name in BOUNDS + PROBABILITY:
        assert name in blocks, f"derive rules does not list {name}"
        (statement,) = re.findall(r"^    statement: (.+)$", blocks[name], re.M)
        assert statement.strip()
        if name in BOUNDS:  # a bound states its relation
            assert re.search(r"\\(leq|geq)|\\Rightarrow", statement), (name, statement)
