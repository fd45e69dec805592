// Signing through NCALayer, the signer of Kazakhstan's National Certification Authority, on the citizen's computer:
// its published WebSocket protocol (wss://127.0.0.1:13579, module kz.gov.pki.knca.basics, method sign) through
// sigex-kz's ncalayer-js-client. NCALayer shows its own key chooser (a .p12 file, the ID card, a token — RSA or GOST
// keys) and asks for the PIN; it answers with a CMS SignedData, detached, which the node verifies as any other
// (src/pki/citizen-cms.ts). The portal reads the signer's certificate out of that CMS to show whose it is.
// This module (and the client, and pkijs) loads only when the citizen asks to sign with NCALayer.
import { NCALayerClient } from 'ncalayer-js-client';
import * as pkijs from 'pkijs';
import { base64 } from './pkcs12';
import { certificateHolder, type CertificateHolder } from './signing';

export const NCALAYER_URL = 'wss://127.0.0.1:13579';
/** how long NCALayer gets to answer the connection (it answers at once when running; a refused connection fails at once) */
const CONNECT_MS = 8000;

export type NcaLayerProblem = 'absent' | 'cancelled' | 'failed';

export class NcaLayerError extends Error {
  constructor(
    readonly ncaProblem: NcaLayerProblem,
    readonly detail = '',
  ) {
    super(`NCALayer: ${ncaProblem}${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * NCALayer's address: its published one, or — for tests, and for a NCALayer moved to another port — the value of
 * localStorage['ortak.ncalayerUrl'] when it is a wss: address on this computer's loopback (nothing else is honoured,
 * so that no page setting can send what is signed elsewhere). The node's Content-Security-Policy allows the published
 * address only: another port works only where the policy is not enforced (the browser tests bypass it).
 */
export function ncaLayerUrl(): string {
  try {
    return loopbackWss(window.localStorage.getItem('ortak.ncalayerUrl')) ?? NCALAYER_URL;
  } catch {
    // no storage: the published address
    return NCALAYER_URL;
  }
}

/** The address if it is a wss: address on this computer's loopback (a port, no path), else null. */
export const loopbackWss = (value: string | null | undefined): string | null =>
  value && /^wss:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/?$/.test(value) ? value : null;

/** NCALayer's own languages: Kazakh, Russian, English. */
const ncaLocale = (lang: string): string => (lang === 'kk' ? 'kk' : ['ru', 'ky', 'uz'].includes(lang) ? 'ru' : 'en');

/** A CMS as NCALayer answers it (PEM armour or bare base64) as base64 of DER. */
export function bareBase64(cms: string): string {
  return cms
    .replace(/-----(BEGIN|END)[^-]*-----/g, '')
    .replace(/\s+/g, '');
}

/** The signer's certificate in a CMS SignedData (base64 DER): its holder, or null when it does not carry it. */
export function cmsSigner(cms: string): CertificateHolder | null {
  try {
    const der = Uint8Array.from(atob(cms), (c) => c.charCodeAt(0));
    const info = pkijs.ContentInfo.fromBER(der.slice().buffer);
    const signed = new pkijs.SignedData({ schema: info.content });
    const sid = signed.signerInfos[0]?.sid;
    const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    const own =
      sid instanceof pkijs.IssuerAndSerialNumber
        ? certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber))
        : certs.find((c) => {
            const ski = c.extensions?.find((x) => x.extnID === '2.5.29.14')?.parsedValue as { valueBlock?: { valueHexView: Uint8Array } } | undefined;
            const want = (sid as { valueBlock?: { valueHexView: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
            return !!ski?.valueBlock && !!want && base64(ski.valueBlock.valueHexView) === base64(want);
          });
    const cert = own ?? (certs.length === 1 ? certs[0] : undefined);
    return cert ? certificateHolder(base64(new Uint8Array(cert.toSchema().toBER(false)))) : null;
  } catch {
    return null;
  }
}

/**
 * Asks NCALayer for a detached CMS over the UTF-8 bytes of `content`, with an authentication key (sign-in) or a
 * signing key (an application), and reads whose certificate signed. Throws NcaLayerError: `absent` (NCALayer does not
 * answer), `cancelled` (the citizen closed its window), `failed` (NCALayer's own error, in `detail`).
 */
export async function signWithNcaLayer(content: string, purpose: 'auth' | 'sign', lang: string): Promise<{ cms: string; holder: CertificateHolder | null }> {
  const client = new NCALayerClient(ncaLayerUrl(), false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), CONNECT_MS);
        }),
      ]);
    } catch (e) {
      throw new NcaLayerError('absent', (e as Error)?.message ?? '');
    } finally {
      clearTimeout(timer);
    }
    let answer: string | string[];
    try {
      answer = await client.basicsSignCMS(
        NCALayerClient.basicsStorageAll,
        base64(new TextEncoder().encode(content)),
        NCALayerClient.basicsCMSParamsDetached,
        purpose === 'auth' ? NCALayerClient.basicsSignerAuthAny : NCALayerClient.basicsSignerSignAny,
        ncaLocale(lang),
      );
    } catch (e) {
      const err = e as { canceledByUser?: boolean; message?: string };
      if (err?.canceledByUser) throw new NcaLayerError('cancelled');
      throw new NcaLayerError('failed', err?.message ?? String(e));
    }
    const cms = bareBase64(Array.isArray(answer) ? answer[0] : answer);
    if (!cms) throw new NcaLayerError('failed', 'no signature');
    return { cms, holder: cmsSigner(cms) };
  } finally {
    try {
      client.wsConnection?.close();
    } catch {
      // already closed
    }
  }
}
