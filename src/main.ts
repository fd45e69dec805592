import { buildApp } from './http/app.js';
import { loadConfig } from './platform/config.js';
import { startGatewayServer } from './exchange/index.js';
import { startNode } from './start.js';

const config = loadConfig();
const node = await startNode(config, { log: (m) => console.log(m) }).catch((error: Error) => {
  console.error(`Ortak could not start: ${error.message}`);
  process.exit(1);
});
const app = await buildApp(node);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  await app.close();
  gatewayServer?.close();
  node.federation?.view.stop();
  await node.jobs.stop();
  await node.database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
node.jobs.start();
// The gateway for other nodes of the federation: its own port, mutual TLS.
const gatewayServer = node.federation
  ? await startGatewayServer({
      port: config.federation!.gatewayPort,
      host: config.host,
      creds: node.federation.creds,
      view: node.federation.view,
      provider: node.gateway,
    })
  : undefined;
node.federation?.view.start(config.federation!.refreshSeconds);
if (node.federation) {
  app.log.info({ node: config.federation!.nodeId, gatewayPort: config.federation!.gatewayPort, federation: node.federation.view.current() ? 'valid' : node.federation.view.lastProblem }, 'federation gateway ready');
}
app.log.info(
  { database: node.database.kind, services: node.catalog.services.length, demo: config.demoMode },
  `Ortak node ready on ${config.publicUrl} (API docs at ${config.publicUrl}/docs)`,
);
