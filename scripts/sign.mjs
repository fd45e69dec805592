// Signs with a key file (a private JWK with its x5c chain), as a citizen's signing app would.
//   node scripts/sign.mjs KEYFILE application SERVICE DATA.json   -> compact JWS over canonical {service, data}
//   node scripts/sign.mjs KEYFILE challenge NONCE                  -> compact JWS over {"nonce": NONCE}
import { readFileSync } from 'node:fs';
import { CompactSign, importJWK } from 'jose';
import canonicalize from 'canonicalize';

const [keyFile, kind, ...rest] = process.argv.slice(2);
if (!keyFile || !['application', 'challenge'].includes(kind)) {
  console.error('usage: node scripts/sign.mjs KEYFILE application SERVICE DATA.json | KEYFILE challenge NONCE');
  process.exit(2);
}
const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
const payload =
  kind === 'application'
    ? canonicalize({ service: rest[0], data: JSON.parse(readFileSync(rest[1], 'utf8')) })
    : JSON.stringify({ nonce: rest[0] });
const jws = await new CompactSign(new TextEncoder().encode(payload))
  .setProtectedHeader({ alg: 'ES256', x5c: jwk.x5c })
  .sign(await importJWK(jwk, 'ES256'));
process.stdout.write(jws);
