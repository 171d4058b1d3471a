'use strict';
// Shared by the Node engines: reading workload W (JSON lines written by `peer_bench workload`),
// command-line options, statistics over runs, and writing the merged state and conflicts for
// `peer_bench check` (the oracle lives in C++ only).
const fs = require('fs');
const zlib = require('zlib');

function parseArgs(argv, defaults) {
  const opts = { ...defaults };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (typeof opts[key] === 'boolean') opts[key] = true;
    else if (i + 1 < argv.length) opts[key] = typeof opts[key] === 'number' ? Number(argv[++i]) : argv[++i];
    else throw new Error(`${a} needs a value`);
  }
  return opts;
}

/** W as {meta, records: Map uuid -> record, households: [uuid], saves: {A: [...], B: [...]}}. */
function readWorkload(path) {
  const w = { meta: null, records: new Map(), households: [], persons: [], saves: { A: [], B: [] } };
  const text = fs.readFileSync(path, 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const line = JSON.parse(text.slice(start, end));
      if (line.kind === 'meta') w.meta = line;
      else if (line.kind === 'record') {
        w.records.set(line.uuid, line);
        (line.type === 'household' ? w.households : w.persons).push(line.uuid);
      } else if (line.kind === 'save') w.saves[line.side].push(line);
    }
    start = end + 1;
  }
  if (!w.meta) throw new Error(`${path} has no meta line`);
  return w;
}

class Figures {
  constructor() { this.series = new Map(); }
  add(name, value) {
    if (!this.series.has(name)) this.series.set(name, []);
    this.series.get(name).push(value);
  }
  toJSON() {
    const out = {};
    for (const name of [...this.series.keys()].sort()) {
      const v = [...this.series.get(name)].sort((a, b) => a - b);
      const n = v.length;
      const median = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      const r = (x) => Math.round(x * 1000) / 1000;
      out[name] = { median: r(median), min: r(v[0]), max: r(v[n - 1]), n };
    }
    return out;
  }
}

function writeJsonl(path, rows) {
  const fd = fs.openSync(path, 'w');
  for (const row of rows) fs.writeSync(fd, JSON.stringify(row) + '\n');
  fs.closeSync(fd);
}

function gzipSize(buffers) {
  return zlib.gzipSync(Buffer.concat(buffers.map((b) => Buffer.from(b)))).length;
}

function peakRssKb() { return process.resourceUsage().maxRSS; }

function now() { return performance.now(); }

module.exports = { parseArgs, readWorkload, Figures, writeJsonl, gzipSize, peakRssKb, now };
