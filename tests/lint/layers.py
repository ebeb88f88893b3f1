#!/usr/bin/env python3
"""Checks the backend's layering (shared/DESIGN.md): each folder includes only from its own layer or
those below it, and no service includes another service's headers. Prints each offending include
with its file and line; exits 1 if there is any.

Layers, from the ground up: platform < http, storage, net, build < cluster < services/<name> < core, echo, roles < main.cpp.
cluster (the Redis bus) may include platform and storage only, not http or net; build (the build worker) only platform.
Within a service, only its routes files (a name with "route" in it) see HTTP: its service and store deal in domain results.
The gateway is the exception that proves it: its data plane (a name with "proxy" in it, and the
site server that answers /sites/ on the same listener) is HTTP.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve() / "backend"
RANK = {"platform": 0, "http": 1, "storage": 1, "net": 1, "build": 1, "cluster": 2, "services": 3, "core": 4, "echo": 4, "roles": 4}
# Folders that may include only some of the lower ones (besides themselves).
ONLY = {"cluster": {"platform", "storage"}, "build": {"platform"}}
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def area(relative: pathlib.PurePath):
    """('services', 'events') for services/events/x.h; ('http', None) for http/x.h."""
    parts = relative.parts
    if parts[0] == "services" and len(parts) > 2:
        return parts[0], parts[1]
    return parts[0], None


problems = []
checked = 0
for path in sorted(root.rglob("*")):
    if path.suffix not in (".h", ".cpp") or path.parent == root:
        continue  # main.cpp may include anything: it is the process
    source = path.relative_to(root)
    top, service = area(source)
    if top not in RANK:
        problems.append(f"{source}: the folder '{top}' has no layer; add it to tests/lint/layers.py")
        continue
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = include.match(line)
        if not match:
            continue
        target = pathlib.PurePath(match.group(1))
        if len(target.parts) == 1:
            continue  # a header beside the file
        checked += 1
        target_top, target_service = area(target)
        if target_top not in RANK:
            problems.append(f"{source}:{number}: includes {target}, which is in no layer")
        elif RANK[target_top] > RANK[top]:
            problems.append(f"{source}:{number}: {top}/ includes {target} from the higher layer {target_top}/")
        elif top in ONLY and target_top != top and target_top not in ONLY[top]:
            problems.append(f"{source}:{number}: {top}/ may include only {', '.join(sorted(ONLY[top]))}; it includes {target}")
        elif top == "services" and target_top == "services" and target_service != service:
            problems.append(f"{source}:{number}: the {service} service includes {target} of the {target_service} service")
        elif (top == "services" and target_top == "http" and "route" not in source.stem
              and not (service == "gateway" and ("proxy" in source.stem or source.stem == "siteserver"))):
            problems.append(f"{source}:{number}: only a service's routes file sees HTTP; {source.name} includes {target}")

for p in problems:
    print(p)
print(f"layers: {checked} cross-folder includes checked, {len(problems)} violation(s)")
sys.exit(1 if problems else 0)
