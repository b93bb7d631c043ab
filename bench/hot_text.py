#!/usr/bin/env python3
"""Writes cmake/supervisor_hot_text.ld: the functions pharoctl-supervise runs once every instance
is healthy, laid together at the start of its code (docs/supervisor.md, "Where its memory goes").
After release_resident_text the loop faults back only what it runs, but each fault maps the 64-128
KiB of the file around it: spread over the whole text, a dozen functions keep 0.6 MB resident;
together they keep 1-2 windows.

What runs is read from callgrind. bench/hot_text_capture.py OUT does all of the capture below in
one command (about a minute); by hand: run a service's supervisor under
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=cg.out \\
      build/pharoctl-supervise --home HOME supervise NAME
wait until it is healthy, `callgrind_control -i on PID`, let it run (probes, `status`, `health`,
`pid`, `logs`, `eval` of the service), `callgrind_control -d PID`; then
  bench/hot_text.py build/pharoctl-supervise cg.out.1 > cmake/supervisor_hot_text.ld
A function missing from the list costs memory (its window is faulted in), never correctness.
Regenerate after changes to what the loop runs (the probe, the control socket, the log sink), and
check with `bench/supervisor_memory.py --services 50 --windows`: 3 of 14 code windows resident.

usage: bench/hot_text.py BINARY CALLGRIND_OUT...
"""
import re
import subprocess
import sys

# Also laid there: what a capture started after the release cannot see, namely the frames already
# running when instrumentation begins (callgrind gives their cost to no name), the release itself
# (it parses /proc/self/maps) and the answered `start` client going away (its map entry erased);
# and a VM's output on its way to the daily log (pharo-sim says nothing once up, a real server
# logs). A name matches every symbol whose demangled name contains it.
ALSO = ("pharoctl::Supervisor::run(", "pharoctl::Supervisor::watch_everything()::", "pharoctl::PollLoop::wait(",
        "std::__detail::__from_chars", "fmt::v9::detail::format_decimal<", "pharoctl::release_resident_text(",
        "pharoctl::(anonymous namespace)::release_segments(", "pharoctl::release_unused_stack(",
        "pharoctl::(anonymous namespace)::own_mapping_of(", "pharoctl::(anonymous namespace)::line_holds(",
        "pharoctl::ControlServer::read(", "pharoctl::ControlServer::drop_closed(",
        "pharoctl::ControlServer::for_each_client(", "std::_Rb_tree_increment(", "std::_Rb_tree_rebalance_for_erase(",
        "pharoctl::Supervisor::read_output(", "pharoctl::LineSplitter::", "pharoctl::meaningful_line(",
        "pharoctl::LogSink::write(", "pharoctl::LogSink::append(", "pharoctl::LogSink::stamp_for",
        "pharoctl::LogSink::reopen_if_moved(", "pharoctl::LogSink::flush(", "pharoctl::LogSink::current_file",
        "pharoctl::format_local_timestamp",
        # The first status record after the release moves a health report's strings (seen with
        # perf's page-faults event, `perf record -e page-faults -c 1 -d --call-graph dwarf`).
        "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string("
        "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >&&)")


def executed(paths, binary_name):
    """The functions of binary_name that ran in the callgrind outputs (demangled names)."""
    hot = set()
    for path in paths:
        names, objects, current = {}, {}, None
        for line in open(path):
            m = re.match(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if not m:
                continue
            call, kind, ident, name = m.groups()
            table = objects if kind == "ob" else names
            if name is not None:
                table[ident] = name
            if call:
                continue
            if kind == "ob":
                current = objects[ident]
            elif current and (current.endswith(binary_name) or current == "???"):
                # callgrind names the object of code outside the binary's .text section "???":
                # the functions already laid in .text.loop by the previous list. A name from
                # another object never matches a symbol of the binary (main() picks from its nm).
                hot.add(names[ident])
    return hot


def main():
    binary, outputs = sys.argv[1], sys.argv[2:]
    hot = executed(outputs, binary.rsplit("/", 1)[-1])
    mangled = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout.splitlines()
    plain = subprocess.run(["nm", "-C", binary], capture_output=True, text=True, check=True).stdout.splitlines()
    chosen = []
    for m, p in zip(mangled, plain):
        mf, pf = m.split(" ", 2), p.split(" ", 2)
        if len(mf) < 3 or mf[1] not in "tTwW" or mf[2].endswith(".cold"):
            continue
        if pf[2] in hot or any(name in pf[2] for name in ALSO):
            chosen.append(mf[2])
    print("/* pharoctl-supervise: the code its loop runs once every instance is healthy, first and")
    print("   together (bench/hot_text.py wrote this; docs/supervisor.md). Linked with INSERT: the")
    print("   default script stays, this section goes before .text. */")
    print("SECTIONS\n{\n  .text.loop :\n  {")
    for name in sorted(set(chosen)):
        print(f"    *(.text.{name})")
    print("  }\n}\nINSERT BEFORE .text;")


if __name__ == "__main__":
    sys.exit(main())
