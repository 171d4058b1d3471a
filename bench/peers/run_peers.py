#!/usr/bin/env python3
"""Runs every engine of the peer benchmark on one workload W and prints JSON and a table.

    run_peers.py --peer-bench build/bench/peers/peer_bench [--quick | --smoke] [--write-docs docs/benchmarks.md]

Engines: raw SQLite, SQLite's session extension and Anju (peer_bench, C++), PouchDB in process and
over loopback HTTP and Automerge (bench/peers/node, only when its node_modules exists), and Anju's
server merge at several sizes (growth). Each engine runs in its own process (so its peak memory is
its own) and reports the median of its runs; the merged state and conflicts of every engine are
compared with the oracle by `peer_bench check`, and mismatches are printed, never hidden.

--smoke is the tiny run of the test suite: it fails when Anju or raw SQLite disagree with the
oracle, when Anju's conflicts are not found with 100 % precision and recall, when a re-upload is
not a no-op, or when an engine fails. It never judges time. scripts/bench-peers.sh installs the
Node packages and builds peer_bench first.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")

PROFILES = {
    #         households, runs, automerge households, growth sizes, one-edit and day samples per run
    "full": dict(households=10000, runs=5, automerge=2000, growth=[1000, 10000, 100000], one_edit=20, day=3),
    "quick": dict(households=1000, runs=3, automerge=500, growth=[500, 2000], one_edit=10, day=2),
    "smoke": dict(households=100, runs=1, automerge=100, growth=[100], one_edit=3, day=1),
}


def log(text):
    print(f"[bench-peers] {text}", file=sys.stderr, flush=True)


def run_json(cmd, what):
    """Runs a command printing one JSON document; returns (json, seconds) or raises."""
    log(f"{what}: {' '.join(cmd)}")
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout), seconds


def median(fig, name, default=None):
    v = fig.get(name)
    return v["median"] if isinstance(v, dict) and "median" in v else default


def fmt_ms(ms):
    if ms is None:
        return "–"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"


def fmt_n(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def fmt_bytes(b):
    if b is None:
        return "–"
    if b >= 1e6:
        return f"{b / 1e6:.2f} MB"
    if b >= 1e3:
        return f"{b / 1e3:.1f} KB"
    return f"{b:.0f} B"


def fmt_mb(kb):
    return "–" if kb is None else f"{kb / 1024:.0f} MB"


def pr(conf, level):
    if not conf or not conf.get(level):
        return "–"
    c = conf[level]
    return f"{c['precision'] * 100:.1f} % / {c['recall'] * 100:.1f} %"


def state_text(corr):
    st = (corr or {}).get("state")
    if not st:
        return "–"
    if st.get("ok"):
        return "matches"
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(st.get("mismatches_by_kind", {}).items()))
    return f"**{st['mismatched_records']:,} records / {st['mismatched_cells']:,} fields differ** ({kinds})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer-bench", required=True, help="path of the peer_bench executable")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="W of 1,000 households, 3 runs (a few minutes)")
    mode.add_argument("--smoke", action="store_true", help="tiny W, 1 run, correctness checks only (the CTest)")
    ap.add_argument("--households", type=int, help="override the size of W")
    ap.add_argument("--runs", type=int, help="override the runs per engine")
    ap.add_argument("--growth", help="comma-separated household counts for the growth runs")
    ap.add_argument("--growth-runs", type=int, help="runs per growth size (default: --runs)")
    ap.add_argument("--large-growth-runs", type=int, default=5,
                    help="runs for growth sizes of 100,000 households and more (default 5: about a minute each,"
                         " after a 2-minute seeding)")
    ap.add_argument("--automerge-households", type=int, help="size of the W Automerge runs on")
    ap.add_argument("--engines", help="comma-separated subset: raw,session,anju,pouchdb,pouchdb_http,automerge,growth")
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the engines put their databases")
    ap.add_argument("--out-dir", help="where W, states and the report go (default: a temporary directory)")
    ap.add_argument("--write-docs", help="replace the generated part of the Peers section of this Markdown file")
    ap.add_argument("--node", default=shutil.which("node") or "node", help="the node executable")
    args = ap.parse_args()

    profile = dict(PROFILES["smoke" if args.smoke else "quick" if args.quick else "full"])
    if args.households:
        profile["households"] = args.households
    if args.runs:
        profile["runs"] = args.runs
    if args.growth:
        profile["growth"] = [int(x) for x in args.growth.split(",") if x]
    if args.automerge_households:
        profile["automerge"] = args.automerge_households
    growth_runs = args.growth_runs or profile["runs"]
    engines = set((args.engines or "raw,session,anju,pouchdb,pouchdb_http,automerge,growth").split(","))
    out_dir = args.out_dir or tempfile.mkdtemp(prefix="anju-bench-peers-")
    os.makedirs(out_dir, exist_ok=True)
    pb = os.path.abspath(args.peer_bench)
    H, runs = profile["households"], profile["runs"]
    node_ok = os.path.isdir(os.path.join(NODE_DIR, "node_modules")) and shutil.which(args.node) is not None
    t_start = time.monotonic()

    report = {"benchmark": "peers", "profile": "smoke" if args.smoke else "quick" if args.quick else "full",
              "households": H, "runs": runs, "engines": {}, "errors": {}, "skipped": {}}
    report["machine"], _ = run_json([pb, "machine", "--dir", args.dir], "machine")
    if node_ok:
        report["machine"]["node"] = subprocess.run([args.node, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()

    def workload(h):
        path = os.path.join(out_dir, f"W-{h}.jsonl")
        info, _ = run_json([pb, "workload", "--households", str(h), "--out", path], f"workload {h}")
        return path, info

    w_path, report["workload"] = workload(H)

    def engine(name, cmd, check_field_level=None, households=H):
        """Runs one engine; for Node engines (check_field_level not None) compares with the oracle."""
        try:
            state_file = os.path.join(out_dir, f"{name}.state.jsonl")
            conflicts_file = os.path.join(out_dir, f"{name}.conflicts.jsonl")
            if check_field_level is not None:
                cmd = cmd + ["--state-out", state_file, "--conflicts-out", conflicts_file]
            result, seconds = run_json(cmd, name)
            result["wall_seconds"] = round(seconds, 1)
            if check_field_level is not None:
                check_cmd = [pb, "check", "--households", str(households), "--state", state_file,
                             "--conflicts", conflicts_file] + (["--field-level"] if check_field_level else [])
                checked, _ = run_json(check_cmd, f"{name} check")
                result.setdefault("correctness", {}).update(checked)
            report["engines"][name] = result
            st = result.get("correctness", {}).get("state") or {}
            if st and not st.get("ok"):
                log(f"{name}: merged state differs from the oracle in {st['mismatched_records']} records / "
                    f"{st['mismatched_cells']} fields: {json.dumps(st.get('mismatches_by_kind'))}")
                for ex in st.get("examples", [])[:3]:
                    log(f"{name}:   e.g. {json.dumps(ex, ensure_ascii=False)}")
        except Exception as e:  # noqa: BLE001 - report and go on with the other engines
            report["errors"][name] = str(e)
            log(f"{name}: ERROR {e}")

    common = ["--households", str(H), "--runs", str(runs), "--dir", args.dir]
    if "raw" in engines:
        engine("raw_sqlite", [pb, "run", "--engine", "raw"] + common)
    if "session" in engines:
        engine("sqlite_session", [pb, "run", "--engine", "session"] + common)
    if "anju" in engines:
        engine("anju", [pb, "run", "--engine", "anju", "--one-edit-samples", str(profile["one_edit"]),
                        "--day-samples", str(profile["day"])] + common)
    node_engines = [e for e in ("pouchdb", "pouchdb_http", "automerge") if e in engines]
    if node_engines and not node_ok:
        why = "bench/peers/node/node_modules is missing (scripts/bench-peers.sh runs npm ci)" if shutil.which(args.node) \
            else "node is not installed"
        for e in node_engines:
            report["skipped"][e] = why
        log(f"skipped {', '.join(node_engines)}: {why}")
    elif node_engines:
        node_common = ["--runs", str(runs), "--dir", args.dir]
        for mode_name, mode in (("pouchdb", "inprocess"), ("pouchdb_http", "http")):
            if mode_name in engines:
                engine(mode_name, [args.node, os.path.join(NODE_DIR, "pouchdb_engine.js"), "--workload", w_path,
                                   "--mode", mode] + node_common, check_field_level=False)
        if "automerge" in engines:
            ah = min(profile["automerge"], H)
            a_path = w_path if ah == H else workload(ah)[0]
            engine("automerge", [args.node, os.path.join(NODE_DIR, "automerge_engine.js"), "--workload", a_path]
                   + node_common, check_field_level=True, households=ah)
    if "growth" in engines:
        for h in profile["growth"]:
            engine(f"anju_growth_{h}", [pb, "run", "--engine", "anju-growth", "--households", str(h),
                                        "--runs", str(min(growth_runs, args.large_growth_runs) if h >= 100000 else growth_runs),
                                        "--dir", args.dir])

    report["total_seconds"] = round(time.monotonic() - t_start, 1)
    report["goals"] = goals(report)
    problems = smoke_problems(report) if args.smoke else []
    report["smoke_problems"] = problems
    with open(os.path.join(out_dir, "peers.json"), "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    markdown = render(report)
    with open(os.path.join(out_dir, "peers.md"), "w") as f:
        f.write(markdown)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print("\n" + markdown)
    log(f"report: {out_dir}/peers.json and peers.md ({report['total_seconds']} s)")
    if args.write_docs:
        write_docs(args.write_docs, markdown)
        log(f"updated {args.write_docs}")
    if problems:
        for p in problems:
            log(f"SMOKE FAILURE: {p}")
        return 1
    return 1 if report["errors"] else 0


def smoke_problems(report):
    problems = [f"{name} failed: {err[:300]}" for name, err in report["errors"].items()]
    anju = report["engines"].get("anju")
    if anju:
        c = anju["correctness"]
        if not c["state"]["ok"]:
            problems.append("Anju's merged state differs from the oracle")
        f = c["conflicts"]["fields"]
        if f["precision"] != 1.0 or f["recall"] != 1.0:
            problems.append(f"Anju's conflicts: precision {f['precision']}, recall {f['recall']}")
        if not c["reupload"]["no_op"]:
            problems.append("re-uploading Anju's changesets changed the server")
        conv = c["devices_converge"]
        if not (conv["a_equals_server"] and conv["b_equals_server"]):
            problems.append("Anju's devices differ from the server after syncing")
    raw = report["engines"].get("raw_sqlite")
    if raw:
        for key, what in (("state", "one transaction"), ("per_changeset_state", "a commit per changeset")):
            if not raw["correctness"][key]["ok"]:
                problems.append(f"raw_sqlite's state ({what}) differs from the oracle")
    for name, e in report["engines"].items():
        if not name.startswith("anju_growth"):
            continue
        if not e["correctness"]["state"]["ok"]:
            problems.append(f"{name}'s state differs from the oracle")
        for key, floor in e["correctness"]["floor_state"].items():
            if not floor["ok"]:
                problems.append(f"{name}'s storage floor ({key}) differs from the oracle")
    return problems


def goals(report):
    E = report["engines"]
    anju, raw, ses = E.get("anju"), E.get("raw_sqlite"), E.get("sqlite_session")
    out = []
    if anju:
        f = anju["correctness"]["conflicts"]["fields"]
        out.append({"goal": "conflicts found with 100 % precision and recall",
                    "measured": f"{f['precision'] * 100:.1f} % / {f['recall'] * 100:.1f} %",
                    "met": f["precision"] == 1.0 and f["recall"] == 1.0})
    if anju and raw:
        a, r = median(anju["figures"], "merge_request_ms"), median(raw["figures"], "apply_ms")
        d = median(anju["figures"], "merge_direct_ms")
        measured = f"{a / r:.1f}× over HTTPS ({fmt_ms(a)} vs {fmt_ms(r)}); {d / r:.1f}× without HTTP"
        paired = median(E.get(f"anju_growth_{report['households']}", {}).get("figures", {}), "merge_over_raw_sqlite")
        if paired:
            measured += f"; {paired:.1f}× paired run by run in the growth process"
        out.append({"goal": "server merge within 2× of raw SQLite for the same writes",
                    "measured": measured, "met": a / r <= 2.0, "ratio": round(a / r, 2)})
    if anju and ses:
        wire = median(anju["figures"], "wire_sent_bytes")
        comp = min(median(ses["figures"], "changeset_zstd_bytes"), median(ses["figures"], "changeset_gzip_bytes"))
        out.append({"goal": "fewer bytes on the wire than the session extension's compressed changeset",
                    "measured": f"{fmt_bytes(wire)} pushed vs {fmt_bytes(comp)} ({wire / comp:.2f}×)",
                    "met": wire < comp, "ratio": round(wire / comp, 2)})
    if anju:
        exch = anju_exchange_ms(anju)
        for name in ("pouchdb", "pouchdb_http"):
            p = E.get(name)
            if p:
                rep = median(p["figures"], "replication_ms")
                out.append({"goal": f"at least 10× faster than PouchDB replication ({name})",
                            "measured": f"{rep / exch:.1f}× ({fmt_ms(exch)} vs {fmt_ms(rep)})",
                            "met": rep / exch >= 10, "ratio": round(rep / exch, 2)})
    return out


def anju_exchange_ms(anju):
    """Anju's equivalent of a two-way replication: both devices push (batch, request, acknowledgement)
    and both pull what the other sent."""
    f = anju["figures"]
    return median(f, "push_wall_ms", 0) + median(f, "device_sync_after_merge_ms_A", 0) + \
        median(f, "device_sync_after_merge_ms_B", 0)


def render(report):
    E, m, wl = report["engines"], report["machine"], report["workload"]
    lines = []
    counts = wl["counts"]
    mem = re.sub(r"\s*kB$", "", m.get("memory", ""))
    mem_text = f"{int(mem) / 1024 / 1024:.0f} GiB" if mem.isdigit() else m.get("memory", "")
    lines.append(f"Measured {m['date'][:10]} with `scripts/bench-peers.sh` (profile {report['profile']}, "
                 f"median of {report['runs']} runs per figure, each run from fresh copies of the base files; "
                 f"whole benchmark {report['total_seconds'] / 60:.0f} min). Machine: {m['cpu_model']}, "
                 f"{m['cores']} cores, {mem_text} RAM, {m['os']}, {m['kernel']}, {m['temp_dir_filesystem']} "
                 f"({m['temp_dir']}), load {m['load_average_1m']} at the start; {m['compiler']} "
                 f"(assertions {'on' if m['assertions'] else 'off'}), SQLite {m['sqlite']}, {m['openssl']}, "
                 f"Node {m.get('node', '–')}.")
    lines.append("")
    lines.append(f"Workload W (seed {wl['seed']}): {wl['households']:,} households × {wl['household_fields']} fields, "
                 f"{wl['persons']:,} people × {wl['person_fields']} fields. A / B: "
                 f"{counts['A']['household_field_edits']:,} / {counts['B']['household_field_edits']:,} household fields, "
                 f"{counts['A']['persons_edited']:,} / {counts['B']['persons_edited']:,} people edited, "
                 f"{counts['A']['persons_inserted']:,} / {counts['B']['persons_inserted']:,} inserted, "
                 f"{counts['A']['persons_deleted']:,} / {counts['B']['persons_deleted']:,} deleted: "
                 f"{counts['A']['field_changes']:,} / {counts['B']['field_changes']:,} field changes in "
                 f"{counts['A']['saves']:,} / {counts['B']['saves']:,} saves. Oracle: "
                 f"{wl['oracle']['conflicting_fields']:,} conflicting fields in {wl['oracle']['conflicting_records']:,} "
                 f"records ({wl['oracle']['concurrent_field_conflicts']:,} concurrent edits, "
                 f"{wl['oracle']['edit_delete_pairs']:,} edit-vs-delete pairs); "
                 f"{wl['oracle']['identical_edits']:,} identical edits are not conflicts.")
    lines.append("")
    lines.append("| engine | merge / replication | field changes/s | conflicts reported | precision / recall | "
                 "merged state vs oracle | bytes | peak RSS |")
    lines.append("|---|---:|---:|---:|---|---|---:|---:|")
    raw = E.get("raw_sqlite")
    if raw:
        f = raw["figures"]
        lines.append(f"| raw SQLite: {raw['statements']:,} prepared statements, one transaction | "
                     f"{fmt_ms(median(f, 'apply_ms'))} | {fmt_n(median(f, 'field_changes_per_s'))} | none | – | "
                     f"{state_text(raw['correctness'])} | – | {fmt_mb(raw['peak_rss_kb'])} |")
    ses = E.get("sqlite_session")
    if ses:
        f, c = ses["figures"], ses["correctness"]["conflicts"]
        lines.append(f"| session extension: apply A's then B's changeset | {fmt_ms(median(f, 'apply_ms'))} | "
                     f"{fmt_n(median(f, 'field_changes_per_s'))} | {c['reported']:,} rows ({fmt_n(c['reported_fields'])} fields) | "
                     f"rows {pr(c, 'records')}; fields {pr(c, 'fields')} | {state_text(ses['correctness'])} | "
                     f"changeset {fmt_bytes(median(f, 'changeset_bytes'))} (zstd {fmt_bytes(median(f, 'changeset_zstd_bytes'))}, "
                     f"gzip {fmt_bytes(median(f, 'changeset_gzip_bytes'))}); patchset {fmt_bytes(median(f, 'patchset_bytes'))} "
                     f"(zstd {fmt_bytes(median(f, 'patchset_zstd_bytes'))}) | {fmt_mb(ses['peak_rss_kb'])} |")
    for name, label in (("pouchdb", "PouchDB in process: two-way sync"), ("pouchdb_http", "PouchDB over loopback HTTP: two-way sync")):
        p = E.get(name)
        if p:
            f, c = p["figures"], p["correctness"]["conflicts"]
            rep = median(f, "replication_ms")
            changes = wl["counts"]["A"]["field_changes"] + wl["counts"]["B"]["field_changes"]
            b = median(f, "http_bytes_total")
            lines.append(f"| {label} | {fmt_ms(rep)} | {fmt_n(changes / (rep / 1000))} | "
                         f"{c['reported_records']:,} docs | docs {pr(c, 'records')} | {state_text(p['correctness'])} | "
                         f"{fmt_bytes(b) + ' HTTP, both ways' if b else '–'} | {fmt_mb(p['peak_rss_kb'])} |")
        elif name in report["skipped"]:
            lines.append(f"| {label} | skipped: {report['skipped'][name]} | | | | | | |")
    am = E.get("automerge")
    if am:
        f, c = am["figures"], am["correctness"]["conflicts"]
        lines.append(f"| Automerge, **W at {am['households']:,} households**: apply B's changes to A | "
                     f"{fmt_ms(median(f, 'merge_ms'))} (changes {fmt_ms(median(f, 'change_ms_A') + median(f, 'change_ms_B'))}) | – | "
                     f"{c['reported']:,} fields | rows {pr(c, 'records')}; fields {pr(c, 'fields')} | "
                     f"{state_text(am['correctness'])} | changes {fmt_bytes(median(f, 'change_bytes'))} "
                     f"(gzip {fmt_bytes(median(f, 'change_gzip_bytes'))}) | {fmt_mb(am['peak_rss_kb'])} |")
    elif "automerge" in report["skipped"]:
        lines.append(f"| Automerge | skipped: {report['skipped']['automerge']} | | | | | | |")
    anju = E.get("anju")
    if anju:
        f, c = anju["figures"], anju["correctness"]["conflicts"]
        lines.append(f"| **Anju**: A then B push over loopback HTTPS (server merge, request time) | "
                     f"{fmt_ms(median(f, 'merge_request_ms'))} | {fmt_n(median(f, 'merge_field_changes_per_s'))} | "
                     f"{c['reported']:,} logged ({c['reported_fields']:,} fields) | rows {pr(c, 'records')}; fields {pr(c, 'fields')} | "
                     f"{state_text(anju['correctness'])} | {fmt_bytes(median(f, 'wire_sent_bytes'))} pushed "
                     f"({fmt_bytes(median(f, 'json_sent_raw_bytes'))} JSON), {fmt_bytes(median(f, 'wire_received_bytes'))} answers | "
                     f"{fmt_mb(anju['peak_rss_kb'])} |")
        lines.append(f"| Anju, same changesets into `SyncService::push` (no TLS/HTTP/gzip) | "
                     f"{fmt_ms(median(f, 'merge_direct_ms'))} | "
                     f"{fmt_n((wl['counts']['A']['field_changes'] + wl['counts']['B']['field_changes']) / (median(f, 'merge_direct_ms') / 1000))} | | | | | |")
        lines.append(f"| Anju, two-way exchange (both push, both pull the other's changes) | {fmt_ms(anju_exchange_ms(anju))} | | | | "
                     f"devices = server: {anju['correctness']['devices_converge']['a_equals_server'] and anju['correctness']['devices_converge']['b_equals_server']} | | |")
        lines.append("")
        lines.append("Anju in detail:")
        lines.append("")
        lines.append("| figure | value |")
        lines.append("|---|---:|")
        ru = anju["correctness"]["reupload"]
        rows = [
            (f"device capture: one save (one household's edits, one transaction), with the outbox / without "
             f"(plain statements, same file), mean of {median(f, 'capture_saves_timed'):,.0f} saves",
             f"{median(f, 'capture_ms_per_save_with_outbox'):.2f} / {median(f, 'capture_ms_per_save_without_outbox'):.2f} ms "
             f"({median(f, 'capture_overhead_ratio'):.2f}×)"),
            ("push (format 2, columns): JSON raw → gzip (zstd for comparison) → on the wire",
             f"{fmt_bytes(median(f, 'json_sent_raw_bytes'))} → {fmt_bytes(median(f, 'json_sent_gzip_bytes'))} "
             f"({fmt_bytes(median(f, 'json_sent_zstd_bytes'))}) → {fmt_bytes(median(f, 'wire_sent_bytes'))}; "
             f"{median(f, 'wire_sent_bytes_per_change'):.1f} B per change"),
            ("the same changesets in push format 1 (one object per change): JSON raw → gzip",
             f"{fmt_bytes(median(f, 'json_v1_sent_raw_bytes'))} → {fmt_bytes(median(f, 'json_v1_sent_gzip_bytes'))}"),
            ("push answers (format 2: only results other than \"applied as sent\"): raw → on the wire (zstd)",
             f"{fmt_bytes(median(f, 'answer_raw_bytes'))} → {fmt_bytes(median(f, 'wire_received_bytes'))}"),
            ("each device's sync after the merge (pulls the other's changes; answers zstd): time A / B; "
             "changes pulled A / B; bytes received A / B",
             f"{fmt_ms(median(f, 'device_sync_after_merge_ms_A'))} / {fmt_ms(median(f, 'device_sync_after_merge_ms_B'))}; "
             f"{median(f, 'device_sync_after_merge_pulled_A', 0):,.0f} / {median(f, 'device_sync_after_merge_pulled_B', 0):,.0f}; "
             f"{fmt_bytes(median(f, 'device_sync_after_merge_received_bytes_A', 0))} / "
             f"{fmt_bytes(median(f, 'device_sync_after_merge_received_bytes_B', 0))}"),
            ("server merge over HTTPS (A + B, request time) / push wall time incl. device batch + acknowledgement",
             f"{fmt_ms(median(f, 'merge_request_ms'))} / {fmt_ms(median(f, 'push_wall_ms'))}"),
            ("conflicts logged by kind (first run)", ", ".join(f"{k} {v:,}" for k, v in sorted(c.get("logged_by_kind", {}).items()))),
            ("re-upload of all changesets", f"{fmt_ms(median(f, 'reupload_ms'))}; no-op: {ru['no_op']} "
                                            f"(same answers {ru['same_answers']}, change-log rows added {ru['change_log_rows_added']}, "
                                            f"conflicts added {ru['conflicts_added']})"),
            ("one edit's sync (save → push → pull), p50 / p95",
             f"{f['one_edit_sync']['p50_ms']:.1f} / {f['one_edit_sync']['p95_ms']:.1f} ms ({f['one_edit_sync']['samples']} samples)"),
            (f"a day's batch sync ({f['day_batch_changes']} field changes in 25 households), p50 / p95",
             f"{f['day_batch_sync']['p50_ms']:.1f} / {f['day_batch_sync']['p95_ms']:.1f} ms ({f['day_batch_sync']['samples']} samples)"),
            ("devices after pulling: A = server, B = server",
             f"{anju['correctness']['devices_converge']['a_equals_server']}, {anju['correctness']['devices_converge']['b_equals_server']}"),
            ("set-up (not timed as figures): seed server / a device's initial pull",
             f"{fmt_ms(anju['setup']['seed_server_ms'])} / {fmt_ms(anju['setup']['device_initial_pull_ms_A'])} "
             f"({anju['setup']['device_initial_pull_changes']:,} changes)"),
        ]
        for k, v in rows:
            lines.append(f"| {k} | {v} |")
    growth = sorted((e for n, e in E.items() if n.startswith("anju_growth_")), key=lambda e: e["households"])
    if growth:
        lines.append("")
        lines.append("Growth: Anju's server merge of A's and B's changesets (same shape of W) over HTTPS, by size "
                     "(runs per size in the last column):")
        lines.append("")
        lines.append("| households | people | field changes | merge (request time) | changes/s | µs/change | "
                     "× raw SQLite, paired (its time) | "
                     "peak RSS in merge / growth during it | database before → after | state / conflicts | runs |")
        lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for e in growth:
            f = e["figures"]
            c = e["correctness"]["conflicts"]
            lines.append(f"| {e['households']:,} | {e['persons']:,} | {e['field_changes']:,} | {fmt_ms(median(f, 'merge_request_ms'))} | "
                         f"{fmt_n(median(f, 'merge_field_changes_per_s'))} | {median(f, 'us_per_change'):.0f} | "
                         f"{paired_ratio(f, 'merge_over_raw_sqlite')} | "
                         f"{fmt_mb(median(f, 'peak_rss_during_merge_kb'))} / {fmt_mb(median(f, 'rss_growth_during_merge_kb'))} | "
                         f"{fmt_bytes(e['setup']['server_db_bytes_before'])} → {fmt_bytes(e['setup'].get('server_db_bytes_after'))} | "
                         f"{'matches' if e['correctness']['state']['ok'] else 'DIFFERS'} / {pr(c, 'fields')} | {e['runs']} |")
    lines += merge_time_table(report)
    if report["goals"]:
        lines.append("")
        lines.append("| goal | measured | met |")
        lines.append("|---|---|---|")
        for g in report["goals"]:
            lines.append(f"| {g['goal']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |")
    if report["errors"]:
        lines.append("")
        for name, err in report["errors"].items():
            lines.append(f"- **{name} failed**: {err[:400]}")
    return "\n".join(lines) + "\n"


def paired_ratio(fig, name):
    """A median of per-run ratios to raw SQLite timed in the same process, with raw SQLite's median time."""
    ratio, raw = median(fig, name), median(fig, "raw_sqlite_ms")
    return f"{ratio:.1f}× ({fmt_ms(raw)})" if ratio and raw else "–"


def merge_time_table(report):
    """Where Anju's merge time goes: raw SQLite, the same statements committed per changeset, Anju's
    own rows by plain statements (the storage floor), then Anju's merge: each as a multiple of raw."""
    E = report["engines"]
    raw, anju = E.get("raw_sqlite"), E.get("anju")
    growth = E.get(f"anju_growth_{report['households']}")
    if not (raw and growth):
        return []
    r = median(raw["figures"], "apply_ms")
    g = growth["figures"]
    rows = [
        (f"raw SQLite: W's writes as {raw['statements']:,} prepared statements, one transaction", median(raw["figures"], "apply_ms")),
        (f"… the same statements, a durable commit every {raw['changeset_changes']:,} field changes (Anju's changesets)",
         median(raw["figures"], "apply_per_changeset_ms")),
        ("Anju's rows by plain prepared statements into its server schema (change log row, field with version, "
         "changeset row), a commit per changeset: the storage floor", median(g, "floor_writes_ms")),
        ("… plus the reads a field-level merge needs (already seen?, the field's version, the record)",
         median(g, "floor_writes_reads_ms")),
    ]
    if median(g, "lean_floor_ms"):
        rows += [
            ("the same rows in a lean layout (record and field ids instead of texts, no change ids, versions as one "
             "integer and a device id), a commit per changeset, its WAL checkpointed in the time: the lean floor",
             median(g, "lean_floor_ms")),
            ("… the lean layout with Anju's 61-byte text versions", median(g, "lean_floor_text_versions_ms")),
            ("… the lean change log alone, no field rows (what a server keeping field state in memory would make "
             "durable per changeset)", median(g, "lean_log_only_ms")),
        ]
    if anju:
        rows.append(("Anju's merge, changesets into `SyncService::push` (validation, merge decisions, conflict log, answers)",
                     median(anju["figures"], "merge_direct_ms")))
        rows.append(("Anju's merge over loopback HTTPS (request time: + TLS, HTTP, gzip, JSON)",
                     median(anju["figures"], "merge_request_ms")))
    rows.append((f"Anju's merge over HTTPS in the growth run at {report['households']:,} households (same server, own process)",
                 median(g, "merge_request_ms")))
    out = ["", "Where the merge time goes (same W, same run; state of every row below checked against the oracle):", "",
           "| writes | time | × raw SQLite |", "|---|---:|---:|"]
    for label, ms in rows:
        out.append(f"| {label} | {fmt_ms(ms)} | {ms / r:.1f}× |")
    if median(g, "raw_sqlite_ms"):
        out += ["", f"Paired in the growth process at {report['households']:,} households (raw SQLite run again before "
                    "each floor and merge, each ratio taken within one run, medians of the ratios; raw SQLite there "
                    f"{fmt_ms(median(g, 'raw_sqlite_ms'))}): storage floor {median(g, 'floor_writes_over_raw_sqlite'):.1f}×, "
                    f"with reads {median(g, 'floor_writes_reads_over_raw_sqlite'):.1f}×, "
                    + (f"lean floor {median(g, 'lean_floor_over_raw_sqlite'):.1f}× (text versions "
                       f"{median(g, 'lean_floor_text_versions_over_raw_sqlite'):.1f}×, log alone "
                       f"{median(g, 'lean_log_only_over_raw_sqlite'):.1f}×), " if median(g, 'lean_floor_ms') else "")
                    + "merge over HTTPS "
                    f"{median(g, 'merge_over_raw_sqlite'):.1f}×."]
    return out


def write_docs(path, markdown):
    begin, end = "<!-- peers:begin (generated by scripts/bench-peers.sh) -->", "<!-- peers:end -->"
    text = open(path, encoding="utf-8").read()
    block = f"{begin}\n{markdown}{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n## Peers\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
