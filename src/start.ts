import { AuditSealer } from './audit/index.js';
import { LANGUAGE_OF_STATE, loadCatalog, syncAgencies } from './catalog/index.js';
import { readFileSync } from 'node:fs';
import { holdsDemoData, seedDemo } from './demo/seed.js';
import {
  ClientRateLimiter, directoryOf, FederationView, formatClientId, listClients, listExternalServices, loadGatewaySigner, loadInternalTls, loadOwnTsa,
  MessageLogArchiver, MessageLogTimestamper, ownTsaStamper, remoteProviders, urlStamper,
} from './exchange/index.js';
import { birthEventsService } from './proactive/index.js';
import { keepIdentityReads } from './identity/index.js';
import { type RegistryService, registryServices } from './registries/index.js';
import { type PaymentEvent, refundApplicationFee, REFUND_QUEUE, sendDemoWebhook, WEBHOOK_QUEUE, type WebhookSender } from './payments/index.js';
import { ISSUE_QUEUE, issueDocument } from './documents/index.js';
import { loadNodeCa } from './pki/index.js';
import { type Clock, systemClock } from './platform/clock.js';
import { type Config, logsBodies } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/index.js';
import { migrate } from './platform/db/migrate.js';
import { paths } from './platform/paths.js';
import { JobRunner } from './platform/jobs.js';
import { type Channel, channelsFromConfig, DELIVER_QUEUE, deliverNotification, DISPATCH_QUEUE, dispatchNotification } from './notifications/index.js';
import { CONSENT_LAPSE_QUEUE, lapseConsents } from './applications/index.js';
import { EVIDENCE_QUEUE, gatherEvidence, loadCalendars, registerWorkflowJobs } from './workflow/index.js';
import type { Node } from './node.js';
import { RevocationChecker } from './pki/revocation.js';
import { loadTrustList } from './pki/trust.js';

/** Reads the node's gateway identity and the federation's configuration (refused if not signed under the anchor). */
async function joinFederation(f: NonNullable<Config['federation']>, clock: Clock, timeoutMs: number, maxBodyBytes: number) {
  const creds = { id: f.nodeId, keyPem: readFileSync(f.keyFile, 'utf8'), certPem: readFileSync(f.certFile, 'utf8'), anchorPem: readFileSync(f.anchorFile, 'utf8') };
  const view = new FederationView(f.configFile, creds.anchorPem, clock, f.nodeId);
  await view.refresh();
  return { view, creds, remote: remoteProviders(view, creds, timeoutMs, maxBodyBytes) };
}

export interface StartOptions {
  clock?: Clock;
  /** an already open database (tests create one per file) */
  database?: Database;
  log?: (message: string) => void;
  /** delivery channels instead of those the configuration names (tests) */
  channels?: Channel[];
  /** how the demo payment provider reaches the webhook; over HTTP to the public URL when absent */
  webhookSender?: WebhookSender;
  /** more exchange services beside the registers (tests: a provider that is slow or fails) */
  extraServices?: RegistryService[];
}

/**
 * Assembles a node: database and migrations, the catalog (a broken agencies file stops the start here, naming the
 * file and field; a broken service definition is left out, logged and shown to the operator), calendars, the node's CA, and in demo mode the demo data.
 */
export async function startNode(config: Config, options: StartOptions = {}): Promise<Node> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const catalog = loadCatalog(paths.services, config.states);
  for (const problem of catalog.loadErrors) log(`service definition left out of the catalog: ${problem}`);
  const calendars = loadCalendars(paths.calendars, config.states);
  // (an unreadable, misfitting or expired trust file stops the start here, named)
  const trust = loadTrustList(config.trustDir, clock.now());
  const revocation = new RevocationChecker(config.revocation);
  const database = options.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePool }));
  try {
    const applied = await migrate(database, paths.migrations);
    if (applied.length) log(`migrations applied: ${applied.map((m) => `${m.version}_${m.name}`).join(', ')}`);
    await syncAgencies(database.db, catalog, clock.now());
    await keepIdentityReads(database);
    const ca = await loadNodeCa(database.db, clock, 'Ortak Node CA');
    if (config.demoMode) {
      const seeded = await seedDemo(database.db, ca, catalog, clock, { calendars, history: config.demoHistory });
      if (seeded.created) log(`demo data seeded: ${seeded.personas} personas`);
    } else if (await holdsDemoData(database.db)) {
      // The personas' private keys were handed to anyone who asked: with them, anyone signs in by signature too.
      throw new Error('this database holds demo data (personas whose private keys were public): a node outside demo mode starts on a database of its own (ORTAK_DATA_DIR or DATABASE_URL)');
    }
    const jobs = new JobRunner(database.db, clock, {
      // Sixteen of a batch of forty at once on PostgreSQL (one after another on the embedded database's single
      // connection): a job mostly waits on the database or the registers; the backlog a submission load leaves drained
      // at 620 jobs/s with eight of twenty, 785/s with sixteen of forty, 822/s with 32 of 64 (waiting for the pool).
      concurrency: database.kind === 'postgres' ? 16 : 1,
      batchSize: database.kind === 'postgres' ? 40 : 20,
      log: (m, e) => log(`${m}: ${(e as Error)?.message ?? e}`),
    });
    registerWorkflowJobs(jobs, { db: database.db, catalog, calendars, clock });
    jobs.handle(CONSENT_LAPSE_QUEUE, (tx, job, now) => lapseConsents(tx, { catalog }, String(job.payload.applicationId), now));
    // The registers, and where the state runs proactive birth services, the civil registry's intake of births.
    const exchangeServices = [
      ...registryServices(config.states),
      ...(config.states.includes('KZ') ? [birthEventsService('KZ', 'CIVILREG')] : []),
      ...(options.extraServices ?? []),
    ];
    // The message log's time-stamps: the configured authority, or the node's own (a key of its CA for time-stamping).
    const stamps = config.timestamps;
    const tsa = await loadOwnTsa(database.db, ca, clock);
    const timestamper = new MessageLogTimestamper(
      database.db,
      stamps.tsaUrl ? urlStamper(stamps.tsaUrl, readFileSync(stamps.tsaCertFile!, 'utf8')) : ownTsaStamper(tsa, () => clock.now()),
      stamps.tsaUrl ?? 'own',
      clock,
      { intervalMs: stamps.intervalSeconds * 1000, failureMs: stamps.failureSeconds * 1000, log: (m, e) => log(`${m}: ${(e as Error)?.message ?? e}`) },
    );
    const tsaCertPem = async () => (stamps.tsaCertFile ? readFileSync(stamps.tsaCertFile, 'utf8') : tsa.certPem);
    const federation = config.federation ? await joinFederation(config.federation, clock, config.exchangeTimeoutMs, config.exchangeMaxBodyBytes) : undefined;
    const clients = config.clientInterface;
    const clientInterfaceTls = await loadInternalTls(database.db, clock, { keyFile: clients.tlsKeyFile, certFile: clients.tlsCertFile }, [clients.host]);
    const gateway = {
      db: database.db,
      clock,
      services: exchangeServices,
      timeoutMs: config.exchangeTimeoutMs,
      remote: federation?.remote,
      logBodies: logsBodies(config),
      timestampsRefusing: () => timestamper.refusing(),
      // Instances and member classes: the federation's configuration's, or on a node of its own its states' with the
      // configured classes.
      knowsMember: federation
        ? (instance: string, memberClass: string) => federation.view.knowsMember(instance, memberClass)
        : (instance: string, memberClass: string) => config.states.includes(instance) && config.memberClasses.includes(memberClass),
      globalGroupsOf: federation ? (clientId: string) => federation.view.globalGroupsOf(clientId) : undefined,
      rateLimiter: new ClientRateLimiter(config.clientInterface.ratePerMinute),
      // (a node of its own answers to the server code "local")
      nodeId: config.federation?.nodeId ?? 'local',
      directory: () =>
        directoryOf({
          db: database.db,
          federation: federation?.view,
          names: new Map(catalog.agencies.map((a) => [a.member, a.name[LANGUAGE_OF_STATE[a.state]] ?? a.name.en ?? a.code])),
          localIds: async () => [
            ...exchangeServices.map((s) => formatClientId(s.id)),
            ...catalog.agencies.flatMap((a) => [a.member, `${a.member}/SERVICES`]),
            ...(await listClients(database.db)).map((c) => c.clientId),
            ...(await listExternalServices(database.db)).map((s) => s.serviceId.split('/').slice(0, 4).join('/')),
          ],
        }),
      clientTls: clientInterfaceTls,
      maxBodyBytes: config.exchangeMaxBodyBytes,
      signer: federation ? { keyPem: federation.creds.keyPem, certPem: federation.creds.certPem } : await loadGatewaySigner(database.db, ca, clock),
    };
    jobs.handleOutside(EVIDENCE_QUEUE, (_db, job, now) => gatherEvidence({ db: database.db, catalog, gateway }, String(job.payload.applicationId), now));
    // (documents are time-stamped by the node's own authority, under its CA, whatever the message log uses)
    const documents = { db: database.db, catalog, ca, clock, publicUrl: config.publicUrl, stamp: ownTsaStamper(tsa, () => clock.now()) };
    jobs.handle(ISSUE_QUEUE, async (tx, job, now) => {
      await issueDocument(tx, documents, String(job.payload.applicationId), now);
    });
    const channels = options.channels ?? channelsFromConfig(config);
    const payments = { db: database.db, catalog, calendars, clock, publicUrl: config.publicUrl, webhookSecret: config.paymentWebhookSecret };
    const sendWebhook: WebhookSender =
      options.webhookSender ??
      (async (path, body, headers) => (await fetch(`${config.publicUrl}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) })).status);
    jobs.handleOutside(WEBHOOK_QUEUE, (_db, job) => sendDemoWebhook(payments, sendWebhook, job.payload.event as unknown as PaymentEvent));
    jobs.handle(REFUND_QUEUE, (tx, job, now) => refundApplicationFee(tx, String(job.payload.applicationId), now));
    jobs.handle(DISPATCH_QUEUE, (tx, job, now) => dispatchNotification(tx, channels, String(job.payload.notificationId), now));
    jobs.handleOutside(DELIVER_QUEUE, (db, job, now) => deliverNotification(db, channels, String(job.payload.notificationId), String(job.payload.channel), now));
    const auditSealer = new AuditSealer(database.db, { log: (m, e) => log(`${m}: ${(e as Error)?.message ?? e}`) });
    const archiver = new MessageLogArchiver(database.db, gateway.signer, tsaCertPem, clock, {
      dir: config.archives.dir,
      intervalMs: config.archives.intervalSeconds * 1000,
      maxRows: config.archives.maxRows,
      log: (m, e) => log(`${m}: ${(e as Error)?.message ?? e}`),
    });
    return { config, database, catalog, calendars, ca, trust, revocation, tsa, clock, jobs, auditSealer, gateway, federation, clientInterfaceTls, timestamper, archiver };
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}
