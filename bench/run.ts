// npm run bench [-- SUITE…] [--connections N] [--seconds S] [--rounds R] [--rows N] [--operations N]: runs the named suites
// (all when none is named), prints a table per suite and writes its figures to bench/results/SUITE.json.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchExchange } from './exchange.js';
import { benchQueries } from './queries.js';
import { benchSignatures } from './signatures.js';
import { benchSubmissions } from './submissions.js';
import { benchWeb } from './web.js';
import { adminUrl, query, writeResult } from './support.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    // 64 unless given, but 8 for the signatures suite (one node process, signatures checked in it)
    connections: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    persons: { type: 'string', default: '20000' },
    rows: { type: 'string', default: '10000000' },
    operations: { type: 'string', default: '100' },
  },
});
const connections = Number(values.connections ?? 64);
const suites: Record<string, () => Promise<Record<string, unknown>>> = {
  submissions: () => benchSubmissions({ connections, seconds: Number(values.seconds), rounds: Number(values.rounds) }),
  web: () => benchWeb({ rounds: Math.max(5, Number(values.rounds)) }),
  queries: () => benchQueries({ rows: Number(values.rows), connections: 8, seconds: Number(values.seconds), rounds: Number(values.rounds) }),
  signatures: () => benchSignatures({ operations: Number(values.operations), concurrency: Number(values.connections ?? 8), rounds: Number(values.rounds) }),
  exchange: () => benchExchange({ connections, seconds: Number(values.seconds), rounds: Number(values.rounds), persons: Number(values.persons) }),
};
const chosen = positionals.length ? positionals : Object.keys(suites);
for (const name of chosen) {
  if (!suites[name]) {
    console.error(`unknown suite ${name}; suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

// Every suite but the portal's runs against PostgreSQL.
if (chosen.some((name) => name !== 'web')) {
  try {
    await query(adminUrl, 'SELECT 1');
  } catch (error) {
    console.error(`the benchmarks need PostgreSQL at ${adminUrl} (set BENCH_DATABASE_URL): ${(error as Error).message}`);
    process.exit(1);
  }
}
for (const name of chosen) {
  console.log(`\n== ${name} ==`);
  const result = await suites[name]();
  const file = writeResult(name, { suite: name, at: new Date().toISOString(), machine: machine(), ...result });
  console.log(`written to ${file}`);
}

function machine() {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
}
