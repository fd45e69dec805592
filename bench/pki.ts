// A test state's PKI made by `openssl` for the signatures benchmark (the tests have a fuller one, under test/, that the
// build leaves out): roots, persons' certificates, `openssl ocsp` responders and CMS signatures; RSA or GOST R
// 34.10-2012 (Debian's GOST engine).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSA_2048 = ['rsa:2048'];
export const GOST_512 = ['gost2012_512', '-pkeyopt', 'paramset:A'];
const GOST_ENGINE = '/usr/lib/x86_64-linux-gnu/engines-3/gost.so';

export class BenchPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'ortak-bench-pki-'));
  private readonly env: NodeJS.ProcessEnv = { ...process.env };
  private readonly children: ChildProcess[] = [];

  constructor(options: { gost?: boolean } = {}) {
    if (options.gost) {
      writeFileSync(join(this.dir, 'gost.cnf'), `openssl_conf = d\n[d]\nengines = e\n[e]\ngost = g\n[g]\nengine_id = gost\ndynamic_path = ${GOST_ENGINE}\ndefault_algorithms = ALL\n`);
      this.env.OPENSSL_CONF = join(this.dir, 'gost.cnf');
    }
  }

  private run(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  }

  /** A self-signed CA. */
  root(name: string, subject: string, keyAlg: string[]): this {
    this.run('req', '-utf8', '-x509', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    writeFileSync(join(this.dir, `${name}.index.txt`), '');
    return this;
  }

  /** A person's certificate from `issuer` with the extensions given (openssl's syntax), entered in the issuer's database. */
  person(name: string, issuer: string, keyAlg: string[], subject: string, extensions: string): this {
    this.run('req', '-utf8', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), extensions);
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '365', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    const serial = this.run('x509', '-in', `${name}.pem`, '-noout', '-serial').trim().split('=')[1];
    const end = new Date(this.run('x509', '-in', `${name}.pem`, '-noout', '-enddate').trim().split('=')[1]);
    appendFileSync(join(this.dir, `${issuer}.index.txt`), `V\t${end.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z\t\t${serial}\tunknown\t/CN=${name}\n`);
    return this;
  }

  /** `openssl ocsp` for `issuer` on `port`, answers signed by the CA with `digest`, valid `minutes`; resolves once it listens. */
  async ocspResponder(issuer: string, port: number, digest: string, minutes = 120): Promise<void> {
    const child = spawn('openssl', ['ocsp', '-index', `${issuer}.index.txt`, '-CA', `${issuer}.pem`, '-rsigner', `${issuer}.pem`, '-rkey', `${issuer}.key`, '-rmd', digest, '-port', String(port), '-nmin', String(minutes)], { cwd: this.dir, env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      let said = '';
      child.stderr!.on('data', (b: Buffer) => {
        said += b.toString();
        if (said.includes('waiting for OCSP client connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`openssl ocsp exited ${code}: ${said}`)));
    });
  }

  /** `openssl cms -sign` over `content` (stdin to stdout, so that several run at once), DER. */
  sign(content: string | Uint8Array, signer: string, ...extra: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('openssl', ['cms', '-sign', '-binary', '-signer', `${signer}.pem`, '-inkey', `${signer}.key`, '-outform', 'DER', ...extra], { cwd: this.dir, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`openssl cms -sign: ${err}`))));
      child.stdin.end(content);
    });
  }

  remove(): void {
    for (const child of this.children) child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
