#!/usr/bin/env python3
"""Every console string is translated, with the same placeholders as its source.

Usage: translations.py [--lupdate LUPDATE --sources DIR,DIR] TS_FILE...
Exits 1 listing each unfinished or mismatched message and, with --lupdate, each .ts file that
lacks strings the sources have. A new string reaches the .ts files with
`cmake --build --preset ci --target update_translations`.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r"%(?:n|L?\d+)")


def problems(path):
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            kind = translation.get("type")
            if kind in ("vanished", "obsolete"):
                continue
            texts = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
            where = f"{path}: {name}: {source!r}"
            if kind == "unfinished" or any(not t.strip() for t in texts):
                found.append(f"{where} is not translated")
                continue
            numerus = message.get("numerus") == "yes"
            # A plural form may say "its last request" for one, without %n.
            wanted = sorted(set(PLACEHOLDER.findall(source)) - ({"%n"} if numerus else set()))
            for text in texts:
                got = sorted(set(PLACEHOLDER.findall(text)) - ({"%n"} if numerus else set()))
                if got != wanted:
                    found.append(f"{where}: translation {text!r} has placeholders {got}, the source {wanted}")
    return found


def stale(path, lupdate, sources):
    """Strings in the sources that the .ts file lacks: lupdate run on a copy."""
    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, os.path.basename(path))
        shutil.copyfile(path, copy)
        run = subprocess.run([lupdate, "-no-obsolete", "-locations", "none", *sources, "-ts", copy],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            return [f"{path}: lupdate failed: {run.stderr.strip()}"]
        new = re.search(r"\((\d+) new and", run.stdout)
        if not new:
            return [f"{path}: cannot read lupdate's answer: {run.stdout.strip()}"]
        if int(new.group(1)):
            return [f"{path} lacks {new.group(1)} string(s) of the sources: run the update_translations "
                    "target and translate them"]
    return []


def main():
    args = sys.argv[1:]
    lupdate, sources = None, []
    if args[:1] == ["--lupdate"]:
        lupdate, sources, args = args[1], args[3].split(","), args[4:]
    if not args:
        print(__doc__)
        return 2
    found = [p for path in args for p in problems(path)]
    if lupdate:
        found += [p for path in args for p in stale(path, lupdate, sources)]
    for line in found:
        print(line)
    print(f"{len(found)} problem(s) in {len(args)} file(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
