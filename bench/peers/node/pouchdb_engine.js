'use strict';
// PouchDB on workload W: one document per household (40 fields) and per person (10 fields, its
// household's id), both replicas starting from the same base revisions. A's and B's edits are
// written to their replicas (bulkDocs, 500 documents per call), then one two-way replication
// (PouchDB.sync) runs, in process (two LevelDB databases) or over loopback HTTP (B served by
// express-pouchdb). Conflicts are what PouchDB reports: documents whose winner has _conflicts.
//
//   node pouchdb_engine.js --workload W.jsonl --mode inprocess|http [--runs 5] [--dir /tmp]
//        [--state-out FILE --conflicts-out FILE]   (merged state and conflicts of the first run)
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { parseArgs, readWorkload, Figures, writeJsonl, peakRssKb, now } = require('./common');

const opts = parseArgs(process.argv, { workload: '', mode: 'inprocess', runs: 5, dir: os.tmpdir(), stateOut: '', conflictsOut: '' });
const PouchDB = require('pouchdb-node');

function baseRev(uuid) { return '1-' + crypto.createHash('md5').update(uuid).digest('hex'); }

function docOf(record) {
  const doc = { _id: record.uuid, type: record.type, ...record.values };
  if (record.household) doc.household = record.household;
  return doc;
}

async function bulk(db, docs) {
  for (let i = 0; i < docs.length; i += 500) {
    const res = await db.bulkDocs(docs.slice(i, i + 500));
    for (const r of res) if (r.error) throw new Error(`bulkDocs: ${r.id} ${r.name} ${r.message}`);
  }
}

/** The documents one side writes: edits on the base revision, inserts, deletes. */
function sideDocs(w, side) {
  const docs = [];
  for (const save of w.saves[side])
    for (const wr of save.writes) {
      if (wr.op === 'insert') docs.push(docOf({ uuid: wr.uuid, type: wr.type, household: wr.household, values: wr.values }));
      else if (wr.op === 'delete') docs.push({ _id: wr.uuid, _rev: baseRev(wr.uuid), _deleted: true });
      else docs.push({ ...docOf(w.records.get(wr.uuid)), ...wr.values, _rev: baseRev(wr.uuid) });
    }
  return docs;
}

async function makeBase(w, dir) {
  const db = new PouchDB(dir);
  const docs = [];
  for (const rec of w.records.values()) docs.push({ ...docOf(rec), _rev: baseRev(rec.uuid) });
  for (let i = 0; i < docs.length; i += 1000) await db.bulkDocs(docs.slice(i, i + 1000), { new_edits: false });
  const info = await db.info();
  await db.close();
  return info.doc_count;
}

async function startServer(prefix) {
  const express = require('express');
  const ServerPouch = PouchDB.defaults({ prefix });
  const app = express();
  const counters = { requests: 0, sockets: [] };
  app.use((req, res, next) => { counters.requests++; next(); });
  app.use('/', require('express-pouchdb')(ServerPouch, {
    mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: path.join(prefix, 'log.txt'),
  }));
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  server.on('connection', (socket) => counters.sockets.push(socket));
  return { server, counters, url: `http://127.0.0.1:${server.address().port}` };
}

function wireBytes(counters) {
  let read = 0, written = 0;
  for (const s of counters.sockets) { read += s.bytesRead; written += s.bytesWritten; }
  return { read, written };
}

async function main() {
  const w = readWorkload(opts.workload);
  const root = fs.mkdtempSync(path.join(opts.dir, 'anju-pouch-'));
  const fig = new Figures();
  let correctness = null;
  try {
    const t0 = now();
    const baseDocs = await makeBase(w, path.join(root, 'base'));
    const setup = { base_docs: baseDocs, make_base_ms: Math.round(now() - t0) };
    const edits = { A: sideDocs(w, 'A'), B: sideDocs(w, 'B') };
    for (let run = 0; run < opts.runs; run++) {
      const dir = path.join(root, `run${run}`);
      fs.cpSync(path.join(root, 'base'), path.join(dir, 'a'), { recursive: true });
      fs.cpSync(path.join(root, 'base'), path.join(dir, 'srv', 'b'), { recursive: true });
      const a = new PouchDB(path.join(dir, 'a'));
      let b = new PouchDB(path.join(dir, 'srv', 'b'));
      let t = now();
      await bulk(a, edits.A);
      fig.add('write_edits_ms_A', now() - t);
      t = now();
      await bulk(b, edits.B);
      fig.add('write_edits_ms_B', now() - t);
      let server = null;
      if (opts.mode === 'http') {
        await b.close();
        server = await startServer(path.join(dir, 'srv') + path.sep);
        b = new PouchDB(`${server.url}/b`);
      }
      t = now();
      const result = await PouchDB.sync(a, b);
      const ms = now() - t;
      fig.add('replication_ms', ms);
      fig.add('docs_pushed', result.push.docs_written);
      fig.add('docs_pulled', result.pull.docs_written);
      if (server) {
        const bytes = wireBytes(server.counters);
        fig.add('http_bytes_total', bytes.read + bytes.written);
        fig.add('http_bytes_to_server', bytes.read);
        fig.add('http_bytes_from_server', bytes.written);
        fig.add('http_requests', server.counters.requests);
      }
      // Conflicts as PouchDB reports them, on A (the replicas agree after a two-way sync).
      const all = await a.allDocs({ include_docs: true, conflicts: true });
      const conflicts = [];
      const state = [];
      for (const row of all.rows) {
        const doc = row.doc;
        if (doc._conflicts && doc._conflicts.length) conflicts.push({ record: doc._id, field: null });
        const fields = {};
        for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') && k !== 'type' && k !== 'household') fields[k] = v;
        state.push({ uuid: doc._id, deleted: false, fields });
      }
      const bAll = await b.allDocs();
      const agree = bAll.rows.length === all.rows.length && bAll.rows.every((r, i) => r.id === all.rows[i].id && r.value.rev === all.rows[i].value.rev);
      fig.add('docs_in_conflict', conflicts.length);
      if (run === 0) {
        correctness = { replicas_agree: agree, docs_in_conflict: conflicts.length };
        if (opts.stateOut) writeJsonl(opts.stateOut, state);
        if (opts.conflictsOut) writeJsonl(opts.conflictsOut, conflicts);
      }
      await a.close();
      await b.close();
      if (server) await new Promise((resolve) => server.server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const docsWritten = edits.A.length + edits.B.length;
    process.stdout.write(JSON.stringify({
      engine: opts.mode === 'http' ? 'pouchdb_http' : 'pouchdb_inprocess',
      description: opts.mode === 'http'
        ? 'PouchDB 9 (LevelDB): A local, B served by express-pouchdb over loopback HTTP; one PouchDB.sync'
        : 'PouchDB 9 (LevelDB): two local databases in one process; one PouchDB.sync',
      versions: { node: process.version, pouchdb: require('pouchdb-node/package.json').version },
      setup, docs_written_by_edits: docsWritten, runs: opts.runs,
      figures: fig.toJSON(), correctness, peak_rss_kb: peakRssKb(),
    }, null, 2) + '\n');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { console.error(`pouchdb_engine failed: ${err.stack || err}`); process.exit(1); });
