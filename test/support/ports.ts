import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports for the processes a test starts are taken below the kernel's ephemeral range, one block per vitest worker.
// A port from listen(0) is an ephemeral one: between closing it and the child's listen, any outgoing connection of a
// parallel test (PostgreSQL, fetch) may be given it, and the child fails with EADDRINUSE (seen on CI). Below that range
// no outgoing socket is ever placed, and the worker's own block keeps parallel test files apart.
const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const blockSize = 250;
const firstPort = 12000;
const blocks = Math.max(1, Math.floor((ephemeralLow - firstPort) / blockSize));
const worker = Number(process.env.VITEST_POOL_ID ?? process.pid) % blocks;
const blockStart = firstPort + worker * blockSize;
// successive test files of one worker start at different places in its block, in case a port is still in TIME_WAIT
let next = process.pid % blockSize;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port free on loopback now and not handed out to outgoing connections, for a process a test starts. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < blockSize; tries++) {
    const port = blockStart + (next++ % blockSize);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${blockStart}–${blockStart + blockSize - 1}`);
}
