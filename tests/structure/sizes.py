#!/usr/bin/env python3
"""No file in src/ or sim/ over 500 lines, no function over 80.

A function is a body in braces whose head ends like a function's: `name(...) quals {`, a
constructor's `(...) : member_(...), other_{...} {`, a macro-made one (`TEST(A, B) {`), or a
lambda standing outside every function (in a table of commands, a namespace-level constant).
Its length runs from the first line of its head (after comments) to its closing brace; lambdas,
local classes and blocks inside a function count as its lines. Comments, string and character
literals (raw strings too) are blanked first, keeping their newlines, so braces inside them
count for nothing. Class, struct, union, enum and namespace bodies are not functions: the
functions defined in them are measured one by one.

Files named in tests/structure/size_allow.txt are passed over (others are shrinking them now);
an entry that no longer needs to be there is mentioned, without failing.

Usage: sizes.py [SOURCE_DIR] [--list FILE...]   (--list: print every function over the limit in
the files given, allowed or not, and exit 0)
"""
import fnmatch
import pathlib
import re
import sys

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
SUFFIXES = (".cpp", ".hpp", ".h", ".cc")

RAW_STRING = re.compile(r'R"([^()\\\s]{0,16})\(')


def blank(text):
    """The text with comments and literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)

    def keep_lines(s):
        return re.sub(r"[^\n]", " ", s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(keep_lines(text[i:j]))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(keep_lines(text[i:j]))
            i = j
        elif c == "R" and RAW_STRING.match(text, i) and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = RAW_STRING.match(text, i)
            end = text.find(")" + m.group(1) + '"', m.end())
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + keep_lines(text[i + 2:end]))
            i = end
        elif c in "\"'":
            # A digit separator (1'000'000) is no character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum() \
                    and re.match(r"[0-9A-Fa-fx']", text[i - 1]) and _in_number(text, i):
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + keep_lines(text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _in_number(text, i):
    """Whether the quote at i stands inside a numeric literal."""
    j = i - 1
    while j >= 0 and (text[j].isalnum() or text[j] in "'."):
        j -= 1
    return text[j + 1].isdigit()


def collapse(head):
    """Parenthesised and angle-bracketed groups folded to () and <>, white space to one space."""
    head = re.sub(r"\s+", " ", head)
    prev = None
    while prev != head:
        prev = head
        head = re.sub(r"\([^()]*\)", "()", head)
    return head.strip()


QUALIFIERS = r"(?:\s*(?:const|volatile|noexcept(?:\(\))?|override|final|mutable|constexpr|&&?|->\s*[\w:<>,*&\s]+?|requires\b.*?))*"
FUNCTION_HEAD = re.compile(r"(?:\)|\])" + QUALIFIERS + r"\s*$")
CTOR_HEAD = re.compile(r"\)" + QUALIFIERS + r"\s*:\s*(?:[\w:<>]+\s*(?:\(\)|\{\})\s*,\s*)*[\w:<>]+\s*(?:\(\)|\{\})\s*$")
CTOR_INIT_OPEN = re.compile(r"\)" + QUALIFIERS + r"\s*:\s*(?:[\w:<>]+\s*(?:\(\)|\{\})\s*,\s*)*[\w:<>.]+\s*$")
TYPE_HEAD = re.compile(r"\b(?:class|struct|union|enum)\b[^=()]*$")
ACCESS = re.compile(r"\s*(?:public|protected|private)\s*:")
NAMESPACE_HEAD = re.compile(r'(?:\bnamespace\b[\w:\s]*|\bextern\s*""\s*)$')


def functions(text):
    """[(first_line, last_line)] of every function in the blanked text."""
    found = []
    # Frames: [kind, head, head_line, start_line]; kinds: ns, type, init, member_init, func.
    stack = [["ns", "", None, 0]]
    line = 1
    for c in text:
        top = stack[-1]
        if c == "\n":
            line += 1
            if top[0] != "func":
                top[1] += " "
            continue
        if top[0] == "func":
            if c == "{":
                stack.append(["func", "", None, line])
            elif c == "}":
                stack.pop()
                if stack[-1][0] != "func":
                    found.append((top[3], line))
                    _after(stack[-1], "func")
            continue
        if c == "{":
            head = collapse(top[1])
            if CTOR_HEAD.search(head) or FUNCTION_HEAD.search(head):
                kind = "func"
            elif CTOR_INIT_OPEN.search(head):
                kind = "member_init"
            elif NAMESPACE_HEAD.search(head):
                kind = "ns"
            elif TYPE_HEAD.search(head):
                kind = "type"
            else:
                kind = "init"
            start = top[2] if kind == "func" and top[2] is not None else line
            stack.append([kind, "", None, start])
        elif c == "}":
            if len(stack) > 1:
                done = stack.pop()
                _after(stack[-1], done[0])
        elif c == ";" or (c == "," and top[0] == "init"):
            top[1], top[2] = "", None
        else:
            if top[2] is None and not c.isspace():
                top[2] = line
            top[1] += c
            if c == ":" and top[0] == "type" and ACCESS.fullmatch(top[1]):
                top[1], top[2] = "", None  # `public:` heads no declaration
    return found


def _after(frame, closed_kind):
    """A closed brace group: a body ends the declaration before it; an initialiser is part of it."""
    if closed_kind in ("init", "member_init"):
        frame[1] += "{}"
    else:
        frame[1], frame[2] = "", None


def source_files(root):
    for top in ("src", "sim"):
        for p in sorted((root / top).rglob("*")):
            if p.suffix in SUFFIXES and p.is_file():
                yield p


def read_allowed(root):
    allowed = []
    path = root / "tests" / "structure" / "size_allow.txt"
    if path.exists():
        for raw in path.read_text().splitlines():
            entry = raw.split("#", 1)[0].strip()
            if entry:
                allowed.append(entry)
    return allowed


def problems_of(path, rel):
    text = path.read_text(errors="replace")
    out = []
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if lines > MAX_FILE_LINES:
        out.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
    for first, last in functions(blank(text)):
        length = last - first + 1
        if length > MAX_FUNCTION_LINES:
            out.append(f"{rel}:{first}: a function of {length} lines (at most {MAX_FUNCTION_LINES})")
    return out


def main(argv):
    if "--list" in argv:
        for f in argv[argv.index("--list") + 1:]:
            for p in problems_of(pathlib.Path(f), f):
                print(p)
        return 0
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).parents[2]).resolve()
    allowed = read_allowed(root)
    used = set()
    failures = []
    for path in source_files(root):
        rel = path.relative_to(root).as_posix()
        found = problems_of(path, rel)
        match = [a for a in allowed if fnmatch.fnmatch(rel, a)]
        if match and found:
            used.update(match)
            for p in found:
                print(f"allowed for now: {p}")
        else:
            failures += found
    for a in allowed:
        if a not in used:
            print(f"note: {a} is within the limits now: take it off tests/structure/size_allow.txt")
    for p in failures:
        print(p)
    if failures:
        print(f"{len(failures)} size problem(s): split the file or the function (limits: "
              f"{MAX_FILE_LINES} lines a file, {MAX_FUNCTION_LINES} a function)")
        return 1
    print("sizes: every file and function in src/ and sim/ is within the limits (or allowed for now)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
