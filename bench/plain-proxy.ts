// The exchange benchmark's baseline: the same chain as two gateways — a client-side proxy, mutual TLS between two
// processes, a provider-side proxy that calls the same register handler over the same database — with none of the
// gateway's work (no access check, no signatures, no message log, no data tracker).
//   node plain-proxy.js front PORT BACK_URL KEY CERT CA
//   node plain-proxy.js back  PORT KEY CERT CA DATABASE_URL STATE
//   node plain-proxy.js echo  PORT                 (an agency's system that streams the body back)
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer, request } from 'node:https';
import { openDatabase } from '../src/platform/db/index.js';
import { registryServices } from '../src/registries/index.js';

const [mode, port, ...rest] = process.argv.slice(2);

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

if (mode === 'front') {
  const [backUrl, key, cert, ca] = rest;
  const back = new URL(backUrl);
  const tls = { key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca) };
  const agent = new Agent({ keepAlive: true, ...tls, checkServerIdentity: () => undefined });
  // (bodies streamed through, both ways: the baseline holds no body)
  createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const length = req.headers['content-length'];
    const out = request({ hostname: back.hostname, port: back.port, path: req.url, method: req.method, agent, headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', ...(length ? { 'content-length': length } : {}) } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json', ...(answer.headers['content-length'] ? { 'content-length': answer.headers['content-length'] } : {}) });
      answer.pipe(res);
    });
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  }).listen(Number(port), '127.0.0.1');
} else if (mode === 'back') {
  const [key, cert, ca, databaseUrl, state] = rest;
  const database = await openDatabase({ url: databaseUrl });
  const services = registryServices([state]);
  createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert), ca: readFileSync(ca), requestCert: true, rejectUnauthorized: true }, async (req, res) => {
    const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    // /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE/provider-path, as the gateway is called
    const parts = path.split('/');
    // the agency system of the large-body rounds: the body streamed back as it comes
    if (parts[4] === 'MINJUST') return void (res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': req.headers['content-length'] ?? '0' }), req.pipe(res));
    const body = await readBody(req);
    const service = services.find((s) => s.id.service === parts[6] && s.id.memberCode === parts[4]);
    if (!service) {
      res.writeHead(404).end();
      return;
    }
    const answer = await service.handle(database.db, { now: new Date(), method: req.method ?? 'GET', path: `/${parts.slice(7).join('/')}`, query: new URLSearchParams(query), body });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer.body));
  }).listen(Number(port), '127.0.0.1');
} else if (mode === 'echo') {
  // an agency's own system behind the gateways, for the large-body rounds: the body streamed back as it comes
  createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': req.headers['content-length'] ?? '0' });
    req.pipe(res);
  }).listen(Number(port), '127.0.0.1');
} else {
  console.error('usage: plain-proxy front PORT BACK_URL KEY CERT CA | back PORT KEY CERT CA DATABASE_URL STATE | echo PORT');
  process.exit(2);
}
