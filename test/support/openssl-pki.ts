import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '../../src/platform/paths.js';

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
export const RSA_2048 = ['rsa:2048'];
export const EC_P256 = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/**
 * A state's PKI as `openssl` makes it (not this project's code): CAs, persons' certificates and their CMS signatures,
 * in a folder of its own; and a trust folder with the profiles that ship with the node and the roots installed.
 */
export class OpensslPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'ortak-pki-'));

  private run(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** A CA: self-signed (a root), or issued by `issuer` (an intermediate). */
  ca(name: string, subject: string, issuer?: string): this {
    if (issuer) {
      this.run('req', '-utf8', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      writeFileSync(join(this.dir, `${name}.ext`), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
      this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '1000', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    } else {
      this.run('req', '-utf8', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    }
    return this;
  }

  /** An end entity's certificate from `issuer`, with a key of `keyAlg` and the extensions given (openssl's syntax). */
  person(name: string, issuer: string, keyAlg: string[], subject: string, extensions: string): this {
    this.run('req', '-utf8', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(this.dir, `${name}.ext`), extensions);
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '365', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    return this;
  }

  /** `openssl cms -sign` over the content, detached unless `-nodetach` is given, carrying the `carry` certificates. */
  sign(content: string | Buffer, signer: string, carry: string[], ...extra: string[]): Buffer {
    writeFileSync(join(this.dir, 'content.bin'), content);
    const certfile = carry.length ? ['-certfile', this.bundle(carry)] : [];
    this.run('cms', '-sign', '-binary', '-in', 'content.bin', '-signer', `${signer}.pem`, '-inkey', `${signer}.key`, ...certfile, '-outform', 'DER', '-out', 'signature.der', '-md', 'sha256', ...extra);
    return readFileSync(join(this.dir, 'signature.der'));
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
    rmSync(this.dir, { recursive: true, force: true });
  }
}
