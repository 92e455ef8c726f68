#!/usr/bin/env python3
"""Run the command blocks of the docs and check their output (tests/scenarios/docs.sh).

A tested block is a fenced code block right after a marker line:

    <!-- doc-test: dom0 -->      lines "dom0# CMD" are run at dom0's prompt
    <!-- doc-test: host -->      lines "$ CMD" are run by bash at the top of the tree

Every other line of the block is output the command above it must print,
compared with numbers left out (each run of digits, and hex such as 0x1f,
stands for any number; runs of blanks count as one), so figures may differ
from run to run while the words, names and shape may not.  A line "..."
stands for lines not shown.  A dom0 line must appear in what the command
printed (dom0's lines without the "(d0) " prefix, and any other line the
console showed meanwhile); a host command must also succeed.

All dom0 blocks of all files run in one boot, in file order then block
order, so a doc that creates a domain destroys it again.

  doc-blocks.py rc FILE...            the dom0 commands, one a line, then poweroff
  doc-blocks.py check-dom0 LOG FILE...   TAP lines for the dom0 blocks against the log
  doc-blocks.py host FILE...          run the host blocks, TAP lines
"""
import re
import subprocess
import sys

MARK = re.compile(r"^<!--\s*doc-test:\s*(dom0|host)\s*-->\s*$")
NUM = re.compile(r"0x[0-9a-fA-F]+|[0-9]+")


def norm(line):
    return " ".join(NUM.sub("#", line).split())


def blocks(path):
    """(kind, [(lineno, command, [expected lines])]) for each tested block of a file."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        i += 1
        if not m:
            continue
        kind = m.group(1)
        prompt = "dom0# " if kind == "dom0" else "$ "
        if i >= len(lines) or not lines[i].startswith("```"):
            sys.exit(f"{path}:{i}: doc-test marker not followed by a fenced block")
        i += 1
        cmds = []
        while i < len(lines) and not lines[i].startswith("```"):
            line = lines[i]
            if line.startswith(prompt):
                cmds.append((i + 1, line[len(prompt):].strip(), []))
            elif not cmds:
                sys.exit(f"{path}:{i + 1}: output before the first {prompt.strip()} command")
            elif line.strip() and line.strip() != "...":
                cmds[-1][2].append(line)
            i += 1
        out.append((kind, cmds))
    return out


def commands(files, kind):
    for f in files:
        for k, cmds in blocks(f):
            if k == kind:
                for lineno, cmd, want in cmds:
                    yield f, lineno, cmd, want


def sections(log):
    """[(command, [lines])] in the order dom0 echoed the commands."""
    out = []
    for raw in open(log, encoding="utf-8", errors="replace").read().split("\n"):
        line = raw.rstrip("\r")
        if line.startswith("(d0) dom0# "):
            out.append((line[len("(d0) dom0# "):].strip(), []))
        elif out:
            out[-1][1].append(line[5:] if line.startswith("(d0) ") else line)
    return out


def check(name, want, got):
    have = {norm(g) for g in got}
    missing = [w for w in want if norm(w) not in have]
    if missing:
        print(f"not ok - {name}: not in its output: {missing[0]!r}"
              + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
        return 1
    print(f"ok - {name} ({len(want)} line(s) checked)")
    return 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    op = sys.argv[1]
    if op == "rc":
        for _, _, cmd, _ in commands(sys.argv[2:], "dom0"):
            print(cmd)
        print("poweroff")
        return 0
    failed = 0
    if op == "check-dom0":
        secs = sections(sys.argv[2])
        at = 0
        for f, lineno, cmd, want in commands(sys.argv[3:], "dom0"):
            name = f"docs: {f}:{lineno} dom0# {cmd}"
            while at < len(secs) and secs[at][0] != cmd:
                at += 1
            if at == len(secs):
                print(f"not ok - {name}: dom0 never ran it")
                failed += 1
                continue
            failed += check(name, want, secs[at][1])
            at += 1
    elif op == "host":
        for f, lineno, cmd, want in commands(sys.argv[2:], "host"):
            name = f"docs: {f}:{lineno} $ {cmd}"
            p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                print(f"not ok - {name}: exit status {p.returncode}")
                failed += 1
                continue
            failed += check(name, want, (p.stdout + p.stderr).split("\n"))
    else:
        sys.exit(__doc__)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
