import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '../../src/platform/paths.js';

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
export const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
export const RSA_2048 = ['rsa:2048'];
export const EC_P256 = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
/** GOST R 34.10-2012 keys (Debian's GOST engine for openssl): TC 26's 512-bit paramSetA, CryptoPro's A for 256 */
export const GOST_512 = ['gost2012_512', '-pkeyopt', 'paramset:A'];
export const GOST_256 = ['gost2012_256', '-pkeyopt', 'paramset:A'];
export const GOST_ENGINE = '/usr/lib/x86_64-linux-gnu/engines-3/gost.so';

/**
 * A state's PKI as `openssl` makes it (not this project's code): CAs, persons' certificates and their CMS signatures,
 * in a folder of its own; and a trust folder with the profiles that ship with the node and the roots installed.
 */
export class OpensslPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'ortak-pki-'));
  private readonly children: ChildProcess[] = [];
  private readonly servers: Server[] = [];
  /** openssl's environment: with `gost`, a configuration that loads Debian's GOST engine */
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: { gost?: boolean } = {}) {
    this.env = { ...process.env };
    if (options.gost) {
      writeFileSync(
        join(this.dir, 'gost.cnf'),
        `openssl_conf = openssl_def\n[openssl_def]\nengines = engines\n[engines]\ngost = gost\n[gost]\nengine_id = gost\ndynamic_path = ${GOST_ENGINE}\ndefault_algorithms = ALL\n`,
      );
      this.env.OPENSSL_CONF = join(this.dir, 'gost.cnf');
    }
  }

  private run(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /**
   * A CA: self-signed (a root), or issued by `issuer` (an intermediate); an RSA 2048 key unless `keyAlg` says; its
   * basic constraints and key usage as given (openssl's syntax).
   */
  ca(name: string, subject: string, issuer?: string, keyAlg = RSA_2048, constraints = 'critical,CA:TRUE', keyUsage = 'critical,keyCertSign,cRLSign'): this {
    if (issuer) {
      this.run('req', '-utf8', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      writeFileSync(join(this.dir, `${name}.ext`), `basicConstraints=${constraints}\nkeyUsage=${keyUsage}\n`);
      this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '1000', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    } else {
      this.run('req', '-utf8', '-x509', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', subject, '-addext', `basicConstraints=${constraints}`, '-addext', `keyUsage=${keyUsage}`);
    }
    return this;
  }

  /** A CA certificate for `existing`'s key and name issued by `issuer` (a cross-certificate). */
  crossCertify(name: string, existing: string, subject: string, issuer: string): this {
    this.run('req', '-utf8', '-new', '-key', `${existing}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '1000', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    return this;
  }

  /** An end entity's certificate from `issuer`, with a key of `keyAlg` and the extensions given (openssl's syntax). */
  person(name: string, issuer: string, keyAlg: string[], subject: string, extensions: string): this {
    this.run('req', '-utf8', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), extensions);
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '365', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    // the issuer's database, in `openssl ca`'s format, that its OCSP responder and CRL are made from
    const serial = this.run('x509', '-in', `${name}.pem`, '-noout', '-serial').toString().trim().split('=')[1];
    appendFileSync(join(this.dir, `${issuer}.index.txt`), `V\t${this.expiry(name)}\t\t${serial}\tunknown\t/CN=${name}\n`);
    return this;
  }

  private expiry(name: string): string {
    const end = new Date(this.run('x509', '-in', `${name}.pem`, '-noout', '-enddate').toString().trim().split('=')[1]);
    return `${end.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`;
  }

  /** Marks a certificate revoked in its issuer's database (before the responder starts or the CRL is made). */
  revoke(name: string, issuer: string, at = new Date(Date.now() - 3600_000)): this {
    const serial = this.run('x509', '-in', `${name}.pem`, '-noout', '-serial').toString().trim().split('=')[1];
    const index = join(this.dir, `${issuer}.index.txt`);
    const when = `${at.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`;
    writeFileSync(index, readFileSync(index, 'utf8').replace(new RegExp(`^V\\t(\\S+)\\t\\t${serial}\\t`, 'm'), `R\t$1\t${when}\t${serial}\t`));
    return this;
  }

  /** The issuer's CRL as `openssl ca -gencrl` makes it (DER), valid for `hours`. */
  crl(issuer: string, hours = 24): Buffer {
    const index = join(this.dir, `${issuer}.index.txt`);
    if (!existsSync(index)) writeFileSync(index, '');
    if (!existsSync(join(this.dir, `${issuer}.crlnumber`))) writeFileSync(join(this.dir, `${issuer}.crlnumber`), '1000\n');
    writeFileSync(join(this.dir, `${issuer}.ca.cnf`), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${issuer}.index.txt\ncrlnumber = ${issuer}.crlnumber\ndefault_md = sha256\n`);
    this.run('ca', '-gencrl', '-config', `${issuer}.ca.cnf`, '-keyfile', `${issuer}.key`, '-cert', `${issuer}.pem`, '-crlhours', String(hours), '-out', `${issuer}.crl.pem`);
    return this.run('crl', '-in', `${issuer}.crl.pem`, '-outform', 'DER');
  }

  /**
   * `openssl ocsp` answering for `issuer`'s certificates on `port`, its responses signed by `signer` (the CA itself, a
   * delegated responder, or a key without authority), valid for `minutes`, with `digest` (md_gost12_512 for a GOST
   * key). Resolves once it takes connections.
   */
  async ocspResponder(issuer: string, port: number, signer = issuer, minutes = 60, digest = 'sha256'): Promise<void> {
    const index = join(this.dir, `${issuer}.index.txt`);
    if (!existsSync(index)) writeFileSync(index, '');
    const child = spawn('openssl', ['ocsp', '-index', index, '-CA', `${issuer}.pem`, '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`, '-rmd', digest, '-port', String(port), '-nmin', String(minutes)], { cwd: this.dir, env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.children.push(child);
    // (a test that dies before remove() must not leave a responder behind)
    process.once('exit', () => child.kill());
    // (it says so once it listens; a probing connection would hold its one-at-a-time loop until its own time limit)
    await new Promise<void>((resolve, reject) => {
      let said = '';
      child.stderr!.on('data', (b: Buffer) => {
        said += b.toString();
        if (said.includes('waiting for OCSP client connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`openssl ocsp exited ${code}: ${said}`)));
    });
  }

  /** An HTTP server on `port` answering every request with `answer` (a CRL's bytes), or — `hang` — never. */
  async serve(port: number, answer: (() => Buffer) | 'hang'): Promise<void> {
    const server = createServer((req, res) => {
      if (answer === 'hang') return;
      res.setHeader('content-type', 'application/pkix-crl');
      res.end(answer());
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  }

  /** `openssl cms -sign` over the content, detached unless `-nodetach` is given, carrying the `carry` certificates. */
  sign(content: string | Buffer, signer: string, carry: string[], ...extra: string[]): Buffer {
    writeFileSync(join(this.dir, 'content.bin'), content);
    const certfile = carry.length ? ['-certfile', this.bundle(carry)] : [];
    const md = extra.includes('-md') ? [] : ['-md', 'sha256'];
    this.run('cms', '-sign', '-binary', '-in', 'content.bin', '-signer', `${signer}.pem`, '-inkey', `${signer}.key`, ...certfile, '-outform', 'DER', '-out', 'signature.der', ...md, ...extra);
    return readFileSync(join(this.dir, 'signature.der'));
  }

  /**
   * The person's key and certificate, with the `carry` CA certificates, as a PKCS #12 file protected by `password`:
   * OpenSSL 3's defaults (AES-256-CBC under PBKDF2 with HMAC-SHA-256, a SHA-256 MAC), or its `-legacy` form
   * (RC2/3DES under the PKCS #12 KDF) as older software makes them.
   */
  p12(name: string, password: string, carry: string[] = [], legacy = false): Buffer {
    const certfile = carry.length ? ['-certfile', this.bundle(carry)] : [];
    const out = `${name}${legacy ? '.legacy' : ''}.p12`;
    this.run('pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, ...certfile, '-name', name, '-passout', `pass:${password}`, ...(legacy ? ['-legacy'] : []), '-out', out);
    return readFileSync(join(this.dir, out));
  }

  private bundle(names: string[]): string {
    writeFileSync(join(this.dir, 'carried.pem'), names.map((n) => readFileSync(join(this.dir, `${n}.pem`), 'utf8')).join(''));
    return 'carried.pem';
  }

  pem(name: string): string {
    return readFileSync(join(this.dir, `${name}.pem`), 'utf8');
  }

  /** A trust folder: the node's shipped profiles, with these CAs installed in their states' folders. */
  trustFolder(installed: Record<string, string[]>): string {
    const root = join(this.dir, 'trust');
    cpSync(join(paths.root, 'trust'), root, { recursive: true });
    for (const [state, names] of Object.entries(installed)) for (const name of names) writeFileSync(join(root, state, `${name}.pem`), this.pem(name));
    return root;
  }

  remove(): void {
    for (const child of this.children) child.kill();
    for (const server of this.servers) server.close(), server.closeAllConnections();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A port nobody listens on now (for a responder whose address goes into certificates before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
