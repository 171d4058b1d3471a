#!/usr/bin/env python3
"""Fails when the app's English translation is incomplete (CTest `i18n_complete`).

    i18n_complete.py TS_FILE [--lupdate LUPDATE --project LUPDATE_PROJECT_CMAKE]

Checks TS_FILE for messages that are unfinished, have an empty translation, or whose translation
does not use the same %1..%9 placeholders as the Chinese source. With --lupdate and --project (the
`.lupdate/<target>_project.cmake` that qt_add_translations writes at configure time) it first runs
lupdate on a temporary copy of TS_FILE, so a string added to the sources but never extracted fails too.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r"%L?([1-9])")


def problems(ts_path):
    found = []
    for context in ET.parse(ts_path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else ""
            if kind in ("vanished", "obsolete"):
                continue
            forms = [translation] if translation is not None and not list(translation) else \
                list(translation.iter("numerusform")) if translation is not None else []
            texts = [(f.text or "").strip() for f in forms]
            if kind == "unfinished":
                found.append(f"{name}: {source!r} is unfinished")
            elif not texts or not all(texts):
                found.append(f"{name}: {source!r} has an empty translation")
            else:
                wanted = set(PLACEHOLDER.findall(source))
                for text in texts:
                    if set(PLACEHOLDER.findall(text)) != wanted:
                        found.append(f"{name}: {source!r} -> {text!r} has other placeholders")
    return found


def refreshed_copy(ts_path, lupdate, project_cmake, work_dir):
    """lupdate the sources of project_cmake into a copy of ts_path, as the update_translations target does."""
    with open(project_cmake, encoding="utf-8") as f:
        settings = dict(re.findall(r'set\((lupdate_\w+) "([^"]*)"\)', f.read()))
    if "lupdate_sources" not in settings:
        sys.exit(f"i18n_complete: no lupdate_sources in {project_cmake} (has Qt's format changed?)")
    copy = os.path.join(work_dir, os.path.basename(ts_path))
    shutil.copyfile(ts_path, copy)
    project = {
        "projectFile": settings.get("lupdate_project_file", ""),
        "includePaths": [p for p in settings.get("lupdate_include_paths", "").split(";") if p],
        "sources": [s for s in settings["lupdate_sources"].split(";") if s],
        "translations": [copy],
    }
    project_json = os.path.join(work_dir, "project.json")
    with open(project_json, "w", encoding="utf-8") as f:
        json.dump(project, f)
    run = subprocess.run([lupdate, "-project", project_json, "-no-obsolete", "-locations", "none"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"i18n_complete: lupdate failed:\n{run.stdout}{run.stderr}")
    return copy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ts_file")
    parser.add_argument("--lupdate")
    parser.add_argument("--project")
    args = parser.parse_args()

    found = problems(args.ts_file)
    if args.lupdate and args.project:
        with tempfile.TemporaryDirectory() as work_dir:
            copy = refreshed_copy(args.ts_file, args.lupdate, args.project, work_dir)
            found += [p + " (in the sources, not yet in the .ts file)" for p in problems(copy) if p not in found]
    if found:
        print(f"{args.ts_file}: {len(found)} message(s) need English:", *found, sep="\n  ")
        print("Refresh with `cmake --build <build> --target update_translations`, then translate "
              "(see README, Languages).")
        return 1
    print(f"{args.ts_file}: every message has an English translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
