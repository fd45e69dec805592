import cluster from 'node:cluster';
import { loadConfig, type Config } from './platform/config.js';

// The supervising process of ORTAK_PROCESSES=N loads only what it needs to fork and watch (some 45 MB resident):
// the node's modules (catalog, HTTP, database, keys) are imported by the processes that serve, and by the one
// short-lived process that prepares the database.
const config = configOrExit();
if (config.processes > 1 && cluster.isPrimary) await supervise(config);
else if (cluster.isWorker && process.env.ORTAK_PREPARE_ONLY === '1') await prepare(config);
else await serve(config);

/**
 * ORTAK_PROCESSES=N: the node's processes are stateless over PostgreSQL, so N of them share the port (node:cluster
 * hands each new connection to one). Jobs and timers are claimed with FOR UPDATE SKIP LOCKED and a lease, so each
 * runs once whichever process takes it. This process only prepares the database (migrations, demo data) once, then
 * starts the N processes and restarts any that dies. The preparing is done by a process of its own that exits when
 * it is done, so that this one stays small: it holds none of the node's modules while the N processes serve.
 */
async function supervise(config: Config): Promise<void> {
  if (!config.databaseUrl) {
    console.error('Ortak could not start: ORTAK_PROCESSES > 1 needs PostgreSQL (DATABASE_URL); the embedded database belongs to one process.');
    process.exit(1);
  }
  const preparing = cluster.fork({ ORTAK_PREPARE_ONLY: '1' });
  const code = await new Promise<number | null>((resolve) => preparing.once('exit', (exitCode: number | null) => resolve(exitCode)));
  // (the preparing process has said why it could not)
  if (code !== 0) process.exit(1);
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.processes; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`node process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    let left = workers.length;
    if (!left) process.exit(0);
    for (const w of workers) {
      w?.once('exit', () => --left === 0 && process.exit(0));
      w?.process.kill('SIGTERM');
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`Ortak: ${config.processes} node processes on port ${config.port} over ${new URL(config.databaseUrl).host}`);
}

/** The node started (database migrated, demo data in place), or the process stops with the reason it could not. */
async function startOrExit(config: Config) {
  const { startNode } = await import('./start.js');
  return startNode(config, { log: (m) => console.log(m) }).catch((error: Error) => {
    console.error(`Ortak could not start: ${error.message}`);
    process.exit(1);
  });
}

/** The database migrated and the demo data in place, for the processes that will serve: then this process exits. */
async function prepare(config: Config): Promise<void> {
  const prepared = await startOrExit(config);
  await prepared.database.close();
  process.exit(0);
}

async function serve(config: Config): Promise<void> {
  const [node, { buildApp }, { clientInterfaceHandler, startClientInterface, startGatewayServer }] = await Promise.all([
    startOrExit(config),
    import('./http/app.js'),
    import('./exchange/index.js'),
  ]);
  const app = await buildApp(node);
  const clients = config.clientInterface;

  let clientInterface: Awaited<ReturnType<typeof startClientInterface>> | undefined;
  let stopping = false;
  async function stop(signal: string) {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    await clientInterface?.close();
    gatewayServer?.close();
    node.federation?.view.stop();
    await node.jobs.stop();
    await node.auditSealer.stop();
    await node.timestamper.stop();
    await node.archiver.stop();
    await node.database.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  // The exchange's client interface, for the registered information systems only: its own address and port.
  clientInterface = await startClientInterface(
    { host: clients.host, port: clients.port, tls: node.clientInterfaceTls },
    clientInterfaceHandler(node.gateway, { maxBodyBytes: config.exchangeMaxBodyBytes }),
  ).catch((error: Error) => {
    console.error(`Ortak could not start: the exchange's client interface cannot listen on ${clients.host}:${clients.port}: ${error.message}`);
    process.exit(1);
  });
  if (config.demoMode) console.warn(demoWarning(config));
  node.jobs.start();
  node.auditSealer.start();
  node.timestamper.start();
  node.archiver.start();
  // The gateway for other nodes of the federation: its own port, mutual TLS.
  const gatewayServer = node.federation
    ? await startGatewayServer({
        port: config.federation!.gatewayPort,
        host: config.host,
        creds: node.federation.creds,
        view: node.federation.view,
        provider: node.gateway,
        maxBodyBytes: config.exchangeMaxBodyBytes,
      })
    : undefined;
  node.federation?.view.start(config.federation!.refreshSeconds);
  if (node.federation) {
    app.log.info({ node: config.federation!.nodeId, gatewayPort: config.federation!.gatewayPort, federation: node.federation.view.current() ? 'valid' : node.federation.view.lastProblem }, 'federation gateway ready');
  }
  app.log.info(
    { database: node.database.kind, services: node.catalog.services.length, demo: config.demoMode, process: cluster.isWorker ? cluster.worker?.id : undefined, exchangeClients: `${clients.host}:${clientInterface.port}` },
    `Ortak node ready on ${config.publicUrl} (API docs at ${config.publicUrl}/docs)`,
  );
}

/** Said at every start in demo mode, where an operator cannot miss it. */
function demoWarning(config: Config): string {
  const exposed = !['127.0.0.1', '::1', 'localhost'].includes(config.host);
  return [
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '!! DEMO MODE. Anyone who reaches this node signs in as any persona, the operator included, without a key; the',
    "!! personas' private keys are handed out; fees are paid with test cards. It holds no real person's data.",
    exposed
      ? `!! It listens on ${config.host}: open to the network, as ORTAK_DEMO=true asked.`
      : `!! It listens on ${config.host} only. A real node: ORTAK_DEMO=false with ORTAK_PUBLIC_URL (README: "Demo mode, and a real node").`,
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n');
}

/** The configuration, or the process stops naming the setting that is wrong or missing. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    console.error(`Ortak could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}
