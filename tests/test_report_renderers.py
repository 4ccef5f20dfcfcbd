"""The Markdown report in the renderers its readers use: kramdown (Jekyll's, with its GFM
parser and without), cmark-gfm (GitHub's Markdown, and CommonMark), then KaTeX and MathJax 3
in headless Chromium. No math may be split, emphasised or left unrendered.

Each tool is a Debian or npm package that `.ci/run` installs (ruby-kramdown,
ruby-kramdown-parser-gfm, cmark-gfm, chromium; npm's katex and mathjax in tests/renderers/);
a test whose tool is absent skips, saying which.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from derive.checker import check_derivation
from derive.loader import load_paths
from derive.report import render

ROOT = Path(__file__).resolve().parents[1]
RENDERERS = ROOT / "tests" / "renderers" / "node_modules"
SEED_NAMES = ("000_86771fc8b7dc4c48.txt",)


def _seed_post() -> Path | None:
    for shared in (ROOT / ".." / "shared", Path("/work/shared")):
        post = shared / "seed" / SEED_NAMES[0]
        if post.is_file():
            return post
    return None


def _report(paths, lang: str) -> str:
    items = [(path, d, check_derivation(d, instances=200))
             for path, ds in load_paths(paths) for d in ds]
    return render(items, "md", lang)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    """The 5.27-5.31 report in English and Korean, and the seed post's report (a copy of
    the post, named .md as a blogger's would be)."""
    out = {f"udl-{lang}": _report([ROOT / "proofs" / "udl_5_27_to_5_31.py"], lang)
           for lang in ("en", "ko")}
    post = _seed_post()
    if post is not None:
        copy = tmp_path_factory.mktemp("post") / "post.md"
        copy.write_text(post.read_text(encoding="utf-8"), encoding="utf-8")
        out["seed-ko"] = _report([copy], "ko")
    return out


def _body(markdown: str) -> str:
    """The page without its front matter, as Jekyll hands it to kramdown."""
    return re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)


def _words(tex: str) -> str:
    """TeX with its white space as TeX reads it (a Markdown paragraph drops the indent
    of its lines)."""
    return " ".join(tex.split())


def _math(markdown: str) -> list[str]:
    return [_words(m) for m in re.findall(r"\$\$(.+?)\$\$", _body(markdown), re.S)]


def _kramdown(markdown: str, parser: str) -> str:
    if shutil.which("ruby") is None:
        pytest.skip("ruby is not installed (Debian: ruby-kramdown ruby-kramdown-parser-gfm)")
    script = ("require 'kramdown'; require 'kramdown-parser-gfm' if ARGV[0] == 'GFM'; "
              "puts Kramdown::Document.new(STDIN.read, input: ARGV[0]).to_html")
    done = subprocess.run(["ruby", "-e", script, parser], input=_body(markdown),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0 and "LoadError" in done.stderr:
        pytest.skip(f"kramdown is not installed: {done.stderr.strip().splitlines()[-1]} "
                    f"(Debian: ruby-kramdown ruby-kramdown-parser-gfm)")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cmark_gfm(markdown: str) -> str:
    if shutil.which("cmark-gfm") is None:
        pytest.skip("cmark-gfm is not installed (Debian: cmark-gfm)")
    done = subprocess.run(["cmark-gfm", "-e", "table", "-e", "strikethrough", "-e", "autolink"],
                          input=_body(markdown), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_tables_keep_their_columns(page: str) -> None:
    for table in re.findall(r"<table>.*?</table>", page, re.S):
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>",
                                                                          table, re.S)}
        assert len(widths) == 1, f"a table row was split into more cells: {table[:400]}"


NAMES = ["udl-en", "udl-ko", "seed-ko"]


def _named(reports: dict[str, str], name: str) -> str:
    if name not in reports:
        pytest.skip("the seed post is not in ../shared/seed")
    return reports[name]


@pytest.mark.parametrize("parser", ["GFM", "kramdown"])
@pytest.mark.parametrize("name", NAMES)
def test_kramdown_keeps_every_formula_whole(reports, name, parser):
    """Jekyll's kramdown (GFM input is Jekyll's default) reads $$...$$ as math: every
    formula comes out whole, inline as \\(...\\) and displayed as \\[...\\]."""
    markdown = _named(reports, name)
    page = _kramdown(markdown, parser)
    found = [_words(html.unescape(m)) for m in
             re.findall(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", page, re.S) for m in m if m]
    assert sorted(found) == sorted(_math(markdown))
    assert not re.search(r"\\\([^)]*<(em|strong|code)>", page)
    _assert_tables_keep_their_columns(page)
    text = re.sub(r"\\\(.+?\\\)|\\\[.+?\\\]", "", page, flags=re.S)
    assert "$" not in html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("name", NAMES)
def test_cmark_gfm_leaves_every_formula_as_written(reports, name):
    """GFM and CommonMark know no math: they must leave the TeX alone (no emphasis, no
    escape eaten, no table cell split), so that MathJax or KaTeX finds it intact."""
    markdown = _named(reports, name)
    page = _cmark_gfm(markdown)
    found = re.findall(r"\$\$(.+?)\$\$", page, re.S)
    assert all("<" not in m for m in found), [m for m in found if "<" in m][:3]
    assert [_words(html.unescape(m)) for m in found] == _math(markdown)
    _assert_tables_keep_their_columns(page)


# ---------------------------------------------------------------------------------------
# The math in a browser.

_KATEX = """<link rel="stylesheet" href="{root}/katex/dist/katex.min.css">
<script src="{root}/katex/dist/katex.min.js"></script>
<script src="{root}/katex/dist/contrib/auto-render.min.js"></script>
<script>
document.addEventListener("DOMContentLoaded", () => {{
  renderMathInElement(document.getElementById("page"), {{throwOnError: false}});
  const errors = document.querySelectorAll(".katex-error").length;
  const rest = document.getElementById("page").cloneNode(true);
  rest.querySelectorAll(".katex").forEach(e => e.remove());
  const rendered = document.querySelectorAll(".katex").length;
  document.getElementById("result").textContent = JSON.stringify(
    {{errors, rendered, text: rest.textContent}});
}});
</script>"""

_MATHJAX = """<script>
window.MathJax = {{startup: {{pageReady: () => MathJax.startup.defaultPageReady().then(() => {{
  const errors = document.querySelectorAll("mjx-merror, [data-mjx-error]").length;
  const rest = document.getElementById("page").cloneNode(true);
  rest.querySelectorAll("mjx-container").forEach(e => e.remove());
  const rendered = document.querySelectorAll("mjx-container").length;
  document.getElementById("result").textContent = JSON.stringify(
    {{errors, rendered, text: rest.textContent}});
}})}}}};
</script>
<script src="{root}/mathjax/es5/tex-chtml.js"></script>"""


def _in_chromium(page: str, engine: str) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (Debian: chromium)")
    library = {"katex": RENDERERS / "katex", "mathjax": RENDERERS / "mathjax"}[engine]
    if not library.is_dir():
        pytest.skip(f"{library} is missing: run npm ci in tests/renderers")
    head = {"katex": _KATEX, "mathjax": _MATHJAX}[engine].format(root=RENDERERS.as_uri())
    with tempfile.TemporaryDirectory(prefix="derive-chromium-") as folder:
        document = Path(folder) / "page.html"
        document.write_text(f"<!doctype html><html><head><meta charset='utf-8'>{head}</head>"
                            f"<body><div id='page'>{page}</div><pre id='result'></pre>"
                            f"</body></html>", encoding="utf-8")
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={folder}/profile",
             "--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom",
             document.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r"<pre id=\"result\">(.*?)</pre>", done.stdout, re.S)
    assert found and found.group(1), f"the page did not finish rendering: {done.stderr[-800:]}"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("engine", ["katex", "mathjax"])
@pytest.mark.parametrize("renderer", ["kramdown", "cmark-gfm"])
@pytest.mark.parametrize("name", ["udl-ko", "seed-ko"])
def test_every_formula_renders_in_the_browser(reports, name, renderer, engine):
    markdown = _named(reports, name)
    page = _kramdown(markdown, "GFM") if renderer == "kramdown" else _cmark_gfm(markdown)
    result = _in_chromium(page, engine)
    assert result["errors"] == 0
    assert result["rendered"] == len(_math(markdown))
    left = [m for m in ("$", "\\(", "\\[", "\\begin") if m in result["text"]]
    assert not left, f"unrendered math ({left}) in: {result['text'][:600]}"


def test_the_seed_posts_report_reads_as_the_author_wrote_it(reports):
    """Its front-matter title, the names the author gives the results (\\hat\\theta, then
    \\hat\\phi), no equation numbers the author did not write, the rules beside each line."""
    markdown = _named(reports, "seed-ko")
    assert markdown.startswith('---\ntitle: "kl발산과 크로스 엔트로피"\n')
    chain = markdown.split("### 유도 과정")[2].split("$$")[1]
    rows = [" ".join(row.split()) for row in chain.split(r"\cr")]
    assert rows[0].startswith(r"\begin{aligned} \hat{\theta} &= \mathop{\mathrm{argmin}}")
    assert rows[-1].startswith(r"\hat{\phi} &\overset{\mathrm{def}}{=}")
    assert r"(L5" not in chain and r"(L6" not in chain  # derive's line labels are no tags
    assert all(r"&&\qquad \text{" in row for row in rows[1:])  # (a mark may come first)


def test_a_message_with_a_key_is_translated_and_its_expressions_typeset():
    import sympy as sp

    from derive import Derivation
    from derive.kernel import Condition, ConditionResult, Message
    from derive.report.content import Options, _Builder
    from derive.report.language import KO
    from derive.rules import algebra

    i = sp.Symbol("i", integer=True, positive=True)
    x = sp.Symbol("x", real=True)
    d = Derivation("m", x)
    d.eq(x, by=algebra, label="s")
    (result,) = check_derivation(d, instances=20)
    builder = _Builder(d, [result], "m.py", KO, "book", "mathjax", Options(), [d])
    statement = Message("cond.density", (("e", sp.Function("q")(i)), ("variable", i)))
    row = builder.condition(ConditionResult(Condition("density", (), statement), True,
                                            Message("how.assumptions")))
    assert row.statement == [("math", r"q\bigl[i\bigr]"), ("text", "은 "), ("math", "i"),
                             ("text", "의 확률 밀도")]
    assert row.how == [("text", "선언된 가정으로부터")]
    unknown = builder.message(Message("a_key_no_table_has"))
    assert unknown == [("text", "a_key_no_table_has")]  # shown by its key
