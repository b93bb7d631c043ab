"""The structure checkers themselves, on small trees made here: each can fail, and says where."""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sizes  # noqa: E402


def run(script, root):
    return subprocess.run([sys.executable, str(HERE / script), str(root)], capture_output=True, text=True)


def tree(tmp_path, files):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


DIAGRAM = "```\nlayer what\nmain.cpp entry\ncli/ commands\nutil/ bottom\n```\n"
LAYERS = "entry main.cpp\ncli\nutil\n"


def test_layers_pass_on_downward_includes(tmp_path):
    root = tree(tmp_path, {"src/layers.txt": LAYERS, "docs/architecture.md": DIAGRAM,
                           "src/main.cpp": '#include "cli/a.hpp"\n#include "util/b.hpp"\n',
                           "src/cli/a.hpp": '#include "util/b.hpp"\n#include <vector>\n',
                           "src/util/b.hpp": '#include "util/c.hpp"\n#include "generated.hpp"\n'})
    r = run("layers.py", root)
    assert r.returncode == 0, r.stdout


def test_layers_name_file_line_and_both_layers(tmp_path):
    root = tree(tmp_path, {"src/layers.txt": LAYERS, "docs/architecture.md": DIAGRAM,
                           "src/util/b_test.cpp": '// a test\n#include "util/b.hpp"\n  #  include "cli/a.hpp"\n'})
    r = run("layers.py", root)
    assert r.returncode == 1
    assert 'src/util/b_test.cpp:3: includes "cli/a.hpp": util (layer 3) may not include cli (layer 2, above it)' in r.stdout


def test_layers_refuse_unknown_folders_and_a_stale_diagram(tmp_path):
    root = tree(tmp_path, {"src/layers.txt": LAYERS, "docs/architecture.md": DIAGRAM.replace("cli/", "ops/"),
                           "src/extra/x.cpp": "", "src/cli/a.cpp": '#include "sim/x.hpp"\n'})
    out = run("layers.py", root).stdout
    assert "src/extra/: a folder in no layer" in out
    assert 'src/cli/a.cpp:1: includes "sim/x.hpp": sim/ is in no layer' in out
    assert "its layer diagram lists ops > util, src/layers.txt says cli > util" in out


def lengths(code):
    return [last - first + 1 for first, last in sizes.functions(sizes.blank(code))]


def body(n):
    return "".join("  x();\n" for _ in range(n))


def test_functions_are_measured_from_their_head_to_their_brace():
    code = "namespace a {\nnamespace {\nint\nf(int x)\n{\n" + body(3) + "}\n}\n}\n"
    assert lengths(code) == [7]


def test_braces_in_strings_comments_raw_strings_and_chars_do_not_count():
    code = ('void f() {\n  auto s = "}}";\n  // }\n  /* } */\n  auto r = R"x( } )" )x";\n'
            "  char c = '}';\n  int n = 1'000;\n}\nvoid g() {\n}\n")
    assert lengths(code) == [8, 2]


def test_class_bodies_are_not_functions_but_their_members_are():
    code = ("class C : public B<int> {\n public:\n  C(int x) : x_(x), y_{2} {\n" + body(2) + "  }\n"
            "  int get() const noexcept override { return x_; }\n  auto h() -> int {\n  }\n  int x_, y_;\n};\n"
            "enum class E : int { a, b };\nstruct S { int v = {}; };\n")
    assert lengths(code) == [4, 1, 2]


def test_lambdas_count_inside_their_function_and_alone_in_a_table():
    inner = "void f() {\n  auto l = [&](int y) {\n" + body(2) + "  };\n}\n"
    table = 'const Cmd kTable[] = {\n  {"a", [](int x) -> int {\n' + body(3) + '  }},\n  {"b", nullptr},\n};\n'
    assert lengths(inner) == [6]
    assert lengths(table) == [5]


def test_default_arguments_and_macro_bodies():
    code = "void f(Opts o = {}, int n = int{3}) {\n" + body(1) + "}\nTEST(A, B) {\n}\n"
    assert lengths(code) == [3, 2]


def test_sizes_fail_on_a_long_function_and_a_long_file_and_honour_the_allow_list(tmp_path):
    long_fn = "void f() {\n" + body(85) + "}\n"
    root = tree(tmp_path, {"src/a/long.cpp": long_fn, "src/a/big.hpp": "int x;\n" * 501,
                           "sim/ok.cpp": "void g() {\n}\n", "src/a/allowed.cpp": long_fn,
                           "tests/structure/size_allow.txt": "src/a/allowed.cpp  # shrinking elsewhere\nsrc/a/gone.cpp\n"})
    r = run("sizes.py", root)
    assert r.returncode == 1
    assert "src/a/long.cpp:1: a function of 87 lines (at most 80)" in r.stdout
    assert "src/a/big.hpp: 501 lines (at most 500)" in r.stdout
    assert "allowed for now: src/a/allowed.cpp:1" in r.stdout
    assert "note: src/a/gone.cpp is within the limits now" in r.stdout
