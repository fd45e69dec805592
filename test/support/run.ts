import { spawn, type SpawnOptions } from 'node:child_process';

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A command run to its end without blocking the test's event loop, as spawnSync would: vitest's worker must keep
 * answering its runner (a reply not read within 60 s fails the whole run, though every test passed), and a node CLI
 * that loads the node and its embedded database takes seconds, more on a loaded machine.
 */
export function run(command: string, args: string[], options: Omit<SpawnOptions, 'stdio'> & { timeout?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Its standard output, or an error with its standard error when it fails (as execFileSync throws). */
export async function output(command: string, args: string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<string> {
  const r = await run(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
