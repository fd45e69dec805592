// npm run seed -- --persons N [--seed S]: demo data, and N more persons for benchmarks.
import { parseArgs } from 'node:util';
import { seedPersons } from '../demo/bulk.js';
import { loadConfig } from '../platform/config.js';
import { startNode } from '../start.js';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '0' }, seed: { type: 'string', default: '1' } } });
const persons = Number(values.persons);
if (!Number.isInteger(persons) || persons < 0) {
  console.error('--persons takes a whole number, e.g. --persons 1000000');
  process.exit(2);
}

const config = loadConfig();
const node = await startNode({ ...config, demoMode: true }, { log: (m) => console.log(m) }).catch((error: Error) => {
  console.error(`ortak: ${error.message}`);
  process.exit(1);
});
try {
  if (persons > 0) {
    console.log(`adding ${persons.toLocaleString('en')} persons to ${node.database.kind}…`);
    let last = 0;
    const result = await seedPersons(node.database.db, persons, {
      seed: Number(values.seed),
      onProgress: (done) => {
        if (done - last >= 100_000 || done === persons) {
          console.log(`  ${done.toLocaleString('en')}`);
          last = done;
        }
      },
    });
    console.log(`${result.inserted.toLocaleString('en')} new persons in ${result.seconds} s (${Math.round(result.inserted / Math.max(result.seconds, 0.1)).toLocaleString('en')}/s)`);
  } else {
    console.log('demo data is in place');
  }
} finally {
  await node.database.close();
}
