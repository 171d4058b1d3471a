'use strict';
// Automerge on workload W: one document per household holding its 40 fields and its people
// (persons: {uuid: {10 fields}}), both replicas loaded from the same saved base. A's and B's
// saves each become one Automerge.change on their replica; the merge applies B's changes to A's
// documents (Automerge.applyChanges). Conflicts are what Automerge reports: keys for which
// getConflicts returns more than one value (fields, and person keys in persons).
//
//   node automerge_engine.js --workload W.jsonl [--runs 5] [--state-out F --conflicts-out F]
const os = require('os');
const { parseArgs, readWorkload, Figures, writeJsonl, gzipSize, peakRssKb, now } = require('./common');

const opts = parseArgs(process.argv, { workload: '', runs: 5, dir: os.tmpdir(), stateOut: '', conflictsOut: '' });
const Automerge = require('@automerge/automerge');

// Form fields are scalars, not collaboratively edited text: strings are stored as
// ImmutableString (last writer wins per field, conflicts visible), the type Automerge's
// documentation recommends for such values; the default (Text) is several times slower here.
const scalar = (v) => (typeof v === 'string' ? new Automerge.ImmutableString(v) : v);
const scalars = (values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, scalar(v)]));
const plain = (v) => (v instanceof Automerge.ImmutableString ? v.val : v === undefined ? null : v);

const ACTOR = { base: '00'.repeat(16), A: 'aa'.repeat(16), B: 'bb'.repeat(16) };

function baseDocs(w) {
  const byHousehold = new Map();
  for (const uuid of w.households) byHousehold.set(uuid, { ...scalars(w.records.get(uuid).values), persons: {} });
  for (const uuid of w.persons) {
    const p = w.records.get(uuid);
    byHousehold.get(p.household).persons[uuid] = scalars(p.values);
  }
  const saved = new Map();
  for (const [uuid, obj] of byHousehold) saved.set(uuid, Automerge.save(Automerge.from(obj, { actor: ACTOR.base })));
  return saved;
}

function applySave(doc, save) {
  return Automerge.change(doc, (d) => {
    for (const wr of save.writes) {
      if (wr.type === 'household') Object.assign(d, scalars(wr.values));
      else if (wr.op === 'delete') delete d.persons[wr.uuid];
      else if (wr.op === 'insert') d.persons[wr.uuid] = scalars(wr.values);
      else Object.assign(d.persons[wr.uuid], scalars(wr.values));
    }
  });
}

function conflictCount(obj, key) {
  const c = Automerge.getConflicts(obj, key);
  return c ? Object.keys(c).length : 0;
}

async function main() {
  const w = readWorkload(opts.workload);
  const fig = new Figures();
  let t = now();
  const saved = baseDocs(w);
  const setup = { make_base_ms: Math.round(now() - t), households: saved.size,
    base_bytes: [...saved.values()].reduce((n, b) => n + b.length, 0) };
  let correctness = null;
  for (let run = 0; run < opts.runs; run++) {
    const docs = { A: new Map(), B: new Map() };
    t = now();
    for (const side of ['A', 'B'])
      for (const [uuid, bytes] of saved) docs[side].set(uuid, Automerge.load(bytes, { actor: ACTOR[side] }));
    fig.add('load_base_ms', now() - t);
    const changes = { A: new Map(), B: new Map() };
    for (const side of ['A', 'B']) {
      t = now();
      for (const save of w.saves[side]) {
        const doc = applySave(docs[side].get(save.household), save);
        docs[side].set(save.household, doc);
        changes[side].set(save.household, Automerge.getLastLocalChange(doc));
      }
      fig.add(`change_ms_${side}`, now() - t);
    }
    const all = [...changes.A.values(), ...changes.B.values()];
    fig.add('change_bytes', all.reduce((n, c) => n + c.length, 0));
    fig.add('change_gzip_bytes', gzipSize(all));
    // The merge: B's changes into A's replica.
    t = now();
    for (const [uuid, change] of changes.B) {
      const [merged] = Automerge.applyChanges(docs.A.get(uuid), [change]);
      docs.A.set(uuid, merged);
    }
    fig.add('merge_ms', now() - t);
    // What Automerge reports as conflicts, and the merged state.
    const conflicts = [];
    const state = [];
    const fieldKeys = w.meta.fields;
    for (const [uuid, doc] of docs.A) {
      const fields = {};
      for (const f of fieldKeys.household) {
        fields[f.key] = plain(doc[f.key]);
        if (conflictCount(doc, f.key) > 1) conflicts.push({ record: uuid, field: f.key });
      }
      state.push({ uuid, deleted: false, fields });
      for (const [pid, person] of Object.entries(doc.persons)) {
        const pf = {};
        for (const f of fieldKeys.person) {
          pf[f.key] = plain(person[f.key]);
          if (conflictCount(person, f.key) > 1) conflicts.push({ record: pid, field: f.key });
        }
        if (conflictCount(doc.persons, pid) > 1) conflicts.push({ record: pid, field: '_deleted' });
        state.push({ uuid: pid, deleted: false, fields: pf });
      }
    }
    fig.add('conflicts_reported', conflicts.length);
    if (run === 0) {
      correctness = { conflicts_reported: conflicts.length };
      if (opts.stateOut) writeJsonl(opts.stateOut, state);
      if (opts.conflictsOut) writeJsonl(opts.conflictsOut, conflicts);
    }
  }
  process.stdout.write(JSON.stringify({
    engine: 'automerge',
    description: 'Automerge 3 (WASM): one document per household with its people; one change per save; B\'s changes applied to A',
    versions: { node: process.version, automerge: JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'node_modules/@automerge/automerge/package.json'))).version },
    setup, runs: opts.runs, households: w.meta.households,
    figures: fig.toJSON(), correctness, peak_rss_kb: peakRssKb(),
  }, null, 2) + '\n');
}

main().then(() => process.exit(0), (err) => { console.error(`automerge_engine failed: ${err.stack || err}`); process.exit(1); });
