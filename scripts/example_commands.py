"""Checks every `conformance ...` command line in examples/ against the conformance binary.

Each YAML file is parsed, every string in it is read as shell text (a workflow's `run:`, a GitLab
`script:` entry, a Kubernetes container's `sh -c` script), and each logical line that starts with
`conformance` is one command. For each: its subcommand must exist, every `--option` must be one
that subcommand's help lists, and a subcommand that can run without touching anything (`run` and
`cleanup` with `--dry-run`, `plan`, `validate`) is run so that ArgumentParser and the loaders
parse the whole line. Run by scripts/check-examples with the validators' Python (it has PyYAML).
Exit 0 all good, 1 a problem (each printed).
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

# Added by other branches, not yet on this one: `run --shard K/N | auto` and `conformance merge`
# (branch `shards`), `conformance judge ROSTER.json` (the judging branch). Until the binary has
# them, a command using one is checked without it: `--shard VALUE` is dropped before the dry
# run, and a pending subcommand's line is listed but not run. Once the binary has them they are
# checked like everything else, so this list only ever loosens what is not built yet.
PENDING_SUBCOMMANDS = {"merge", "judge"}
PENDING_OPTIONS = {"--shard": 1}  # option -> how many values follow it

# Subcommands run as written (plus --dry-run where it exists): none of them sends anything.
DRY = {"run": ["--dry-run"], "cleanup": ["--dry-run"], "plan": [], "validate": []}

# What the CI engines would put in the variables and expressions the commands use.
FAKE_ENV = {
    "HOME": "/home/ci",
    "NEON_BRANCH_ID": "br-example-123456",
    "CI_NODE_INDEX": "1",
    "CI_NODE_TOTAL": "4",
    "JOB_COMPLETION_INDEX": "0",
    "SHARD": "1",
    "SHARDS": "4",
    "ROSTER": "roster.json",
}
# The environment a dry run sees: a target that resolves (nothing is ever sent to it), the
# shard `--shard auto` would get in a CI job, and nothing of this machine's own configuration.
DRY_RUN_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "CI": "true",
    "BETTER_AUTH_URL": "http://127.0.0.1:9",
    "API_URL": "http://127.0.0.1:9",
    "DATABASE_URL": "postgresql://placeholder:placeholder@127.0.0.1:9/placeholder",
    "CONFORMANCE_SHARD": "1/4",
}


def strings(node):
    """Every string in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def command_lines(text):
    """Logical shell lines (backslash continuations joined) that are a conformance command."""
    joined = re.sub(r"\\\n\s*", " ", text)
    for line in joined.splitlines():
        line = line.strip()
        # A subcommand or an option must follow: `conformance` alone is a name (a label, a
        # check name), and `conformance (pull request)` a title.
        if re.match(r"conformance\s+[-a-z]", line):
            yield line


def substitute(line):
    """GitHub's ${{ ... }} and shell variables, replaced by what a CI job would have."""
    line = re.sub(r"\$\{\{[^}]*\}\}", "1", line)
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: FAKE_ENV.get(m.group(1), "placeholder"), line)


def argv_of(line):
    """The command's words up to the first shell operator (`||`, `;`, `>`, ...)."""
    lexer = shlex.shlex(substitute(line), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if word and all(c in "();<>|&" for c in word):
            break
        words.append(word)
    return words


def run(binary, args, cwd, env=None):
    p = subprocess.run([binary] + args, cwd=cwd, env=env or DRY_RUN_ENV, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


class CLI:
    """What the binary says about itself, asked once per subcommand."""

    def __init__(self, binary, cwd):
        self.binary, self.cwd, self.helps = binary, cwd, {}
        status, text = run(binary, ["--help"], cwd)
        if status != 0:
            raise SystemExit(f"{binary} --help exited {status}:\n{text}")
        block = text.split("SUBCOMMANDS:", 1)[-1]
        self.subcommands = set(re.findall(r"^  ([a-z][a-z0-9-]*)(?=\s|$)", block, re.M))

    def options(self, sub):
        if sub not in self.helps:
            status, text = run(self.binary, [sub, "--help"], self.cwd)
            self.helps[sub] = set(re.findall(r"(--[a-z][a-z0-9-]*)", text)) if status == 0 else set()
        return self.helps[sub]


def check(cli, pack, where, words, cwd):
    """Problems with one command line, or [] (and a note of what was done)."""
    args = words[1:]
    sub = args[0] if args and not args[0].startswith("-") else "run"
    rest = args[1:] if args and args[0] == sub else args
    if sub not in cli.subcommands:
        if sub in PENDING_SUBCOMMANDS:
            return [], f"pending: `{sub}` is added by another branch; not run"
        return [f"{where}: `conformance {sub}` is not a subcommand (have: {', '.join(sorted(cli.subcommands))})"], ""
    known = cli.options(sub)
    problems, kept, skip, note = [], [], 0, "options checked"
    for i, word in enumerate(rest):
        if skip:
            skip -= 1
            continue
        name = word.split("=", 1)[0]
        if name.startswith("--") and name not in known:
            if name in PENDING_OPTIONS:
                skip = 0 if "=" in word else PENDING_OPTIONS[name]
                note = f"pending: {name} is added by another branch; dropped for the dry run"
                continue
            problems.append(f"{where}: `conformance {sub}` has no option {name}")
        kept.append(pack if word.endswith("scenarios/phase2") else word)
    if problems or sub not in DRY:
        return problems, note if sub in DRY else f"{note}; `{sub}` has no dry run, not run"
    status, text = run(cli.binary, [sub] + kept + DRY[sub], cwd)
    if status != 0:
        return [f"{where}: `conformance {' '.join([sub] + kept + DRY[sub])}` exited {status}:\n{text[-2000:]}"], ""
    return [], f"{note}; {' '.join([sub] + DRY[sub])} exit 0"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--pack", required=True, help="the repository's scenarios/ folder")
    parser.add_argument("examples")
    a = parser.parse_args()
    pack = str(Path(a.pack) / "phase2")
    problems, total = [], 0
    # A folder of its own: no .env or reports/ of the repository is read or written.
    with tempfile.TemporaryDirectory() as cwd:
        os.symlink(a.pack, os.path.join(cwd, "scenarios"))
        cli = CLI(a.binary, cwd)
        files = sorted(p for p in Path(a.examples).rglob("*") if p.suffix in (".yml", ".yaml"))
        for path in files:
            found = 0
            for document in yaml.safe_load_all(path.read_text()):
                for text in strings(document):
                    for line in command_lines(text):
                        found += 1
                        where = f"{path.relative_to(a.examples)}: {line}"
                        p, note = check(cli, pack, where, argv_of(line), cwd)
                        problems += p
                        if not p:
                            print(f"ok {where}  ({note})")
            total += found
            # Every file that is about running conformance must show how (pvc and secret do not).
            if found == 0 and not re.search(r"(pvc|secret)", path.name):
                problems.append(f"{path.relative_to(a.examples)}: no `conformance ...` command line found")
    for p in problems:
        print("PROBLEM " + p)
    print(f"{total} command line(s), {len(problems)} problem(s)")
    return 1 if problems or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
