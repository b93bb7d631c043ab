#!/usr/bin/env python3
"""Every #include "folder/..." in src/ points to the file's own layer or one below it.

The order is src/layers.txt's. Fails naming file, line and both layers on an include that
points up, on an include of a folder no layer names, on a folder of src/ that is in no layer,
and when docs/architecture.md's diagram lists the layers in another order.

Usage: layers.py [SOURCE_DIR]   (default: the checkout this file is in)
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def read_layers(src):
    """[(name, files)], top first: files is the entry points' file names, else empty."""
    layers = []
    for raw in (src / "layers.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].split()
        if line:
            layers.append((line[0], line[1:]))
    return layers


def layer_of(path, src, rank, entry_files):
    """The layer a file of src/ belongs to, or None when no layer names it."""
    rel = path.relative_to(src)
    if len(rel.parts) == 1:
        return "entry" if rel.name in entry_files else None
    return rel.parts[0] if rel.parts[0] in rank else None


def check_includes(src, rank, entry_files):
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h") or not path.is_file():
            continue
        rel = path.relative_to(src.parent)
        own = layer_of(path, src, rank, entry_files)
        if own is None:
            problems.append(f"{rel}: in no layer of src/layers.txt")
            continue
        for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(text)
            if not m or "/" not in m.group(1):
                continue  # a system header, or one generated into the build tree
            target = m.group(1).split("/", 1)[0]
            if target not in rank or target == "entry":
                problems.append(f"{rel}:{number}: includes \"{m.group(1)}\": {target}/ is in no layer")
            elif rank[target] < rank[own]:
                problems.append(f"{rel}:{number}: includes \"{m.group(1)}\": {own} (layer {rank[own] + 1}) "
                                f"may not include {target} (layer {rank[target] + 1}, above it)")
    return problems


def check_folders(src, rank):
    return [f"src/{d.name}/: a folder in no layer of src/layers.txt"
            for d in sorted(src.iterdir()) if d.is_dir() and d.name not in rank]


def check_diagram(root, layers):
    """docs/architecture.md's first code block draws the layers: its `name/` lines, in order."""
    doc = (root / "docs" / "architecture.md").read_text()
    names = [name for name, _ in layers if name != "entry"]
    block = re.search(r"^```[^\n]*\n(.*?)^```", doc, re.S | re.M)
    found = re.findall(r"^([a-z_]+)/\s", block.group(1), re.M) if block else []
    if found != names:
        return [f"docs/architecture.md: its layer diagram lists {' > '.join(found) or 'nothing'}, "
                f"src/layers.txt says {' > '.join(names)}"]
    return []


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]).resolve()
    src = root / "src"
    layers = read_layers(src)
    rank = {name: i for i, (name, _) in enumerate(layers)}
    entry_files = {f for name, files in layers if name == "entry" for f in files}
    problems = check_folders(src, rank) + check_includes(src, rank, entry_files) + check_diagram(root, layers)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layer problem(s); the order is src/layers.txt's (top to bottom): "
              + " > ".join(name for name, _ in layers))
        return 1
    print(f"layers: every include in src/ points to its own layer or below ({' > '.join(n for n, _ in layers)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
