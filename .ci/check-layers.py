#!/usr/bin/env python3
"""The one rule of docs/ARCHITECTURE.md: a module may import only modules on a lower layer
(or its own group). Reads every `crate::…` path in src/ (comments excluded) and fails, naming
file, line and both layers, when one points up or sideways.

    python3 .ci/check-layers.py          # exit 1 on a violation
"""
import os
import re
import sys

# Bottom to top. A group is a module path prefix; several groups on one line are one layer
# whose groups must not import each other.
LAYERS = [
    ["kernel"],
    ["domain"],
    ["registry"],
    ["store"],
    ["mail"],
    ["web"],
    ["authn"],  # the login layer's shared core (context, transaction, session, events, …)
    ["authn/eid", "authn/eidas", "authn/itsme", "authn/password", "authn/passkey", "authn/test_login"],
    ["authn/my_keys"],
    ["access"],
    ["profile"],
    ["protocol", "protocol/oidc", "protocol/saml"],
    ["config"],
    ["app"],
    ["telemetry"],
    ["cli", "main", "lib", "fuzzing"],
]

# Justified exceptions: (importing group, imported group, why). Keep this list short.
EXCEPTIONS = []

GROUPS = {g: rank for rank, layer in enumerate(LAYERS) for g in layer}
PATH = re.compile(r"\bcrate::([a-z_]+)(?:::([a-z_]+|\{[^}]*\}?))?")


def group_of(parts):
    """The most specific group for a module path (list of names)."""
    for n in (2, 1):
        key = "/".join(parts[:n])
        if len(parts) >= n and key in GROUPS:
            return key
    return None


def references(code):
    """(module, submodule) pairs named by `crate::a::b` and `crate::a::{b, c::d}`."""
    for first, second in PATH.findall(code):
        if second.startswith("{"):
            for item in second.strip("{}").split(","):
                name = item.strip().split("::")[0]
                yield first, (name if re.fullmatch(r"[a-z_]+", name) else "")
        else:
            yield first, second


def strip_comments(line):
    code = line.split("//", 1)[0]
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', code)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    problems = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            source = group_of(parts)
            if source is None:
                problems.append(f"{rel}: not in any layer of .ci/check-layers.py")
                continue
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    for first, second in references(strip_comments(line)):
                        target = group_of([first] + ([second] if second else []))
                        if target is None:
                            problems.append(f"{rel}:{number}: crate::{first} is not in any layer")
                            continue
                        if target == source or GROUPS[target] < GROUPS[source]:
                            continue
                        if any(s == source and t == target for s, t, _ in EXCEPTIONS):
                            continue
                        direction = "sideways" if GROUPS[target] == GROUPS[source] else "up"
                        problems.append(
                            f"{rel}:{number}: {source} imports {target} ({direction}: layer {GROUPS[source]} -> {GROUPS[target]})"
                        )
    if problems:
        print("layer violations (docs/ARCHITECTURE.md, 'The one rule'):")
        for p in problems:
            print("  " + p)
        return 1
    print(f"layers: ok ({len(LAYERS)} layers, {len(EXCEPTIONS)} exceptions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
