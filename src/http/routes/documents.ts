import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Catalog, LANGUAGE_OF_STATE } from '../../catalog/index.js';
import { certifiedLines, documentPdf, listMyDocuments, revokeDocument, verifyById, verifyBytes, type Verification } from '../../documents/index.js';
import { LANGUAGES, pickText, translate, type Language } from '../../i18n/index.js';
import { badRequest, notFound } from '../../platform/errors.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { sendPortalPage } from './web.js';
import { IdParams, idempotencyKey, IdempotencyHeaders, LangQuery, problemRef, problems } from '../schemas.js';

// what every certified statement says of the register's answer it comes from
const answered = {
  evidence: Type.String(),
  status: Type.Union([Type.Literal('received'), Type.Literal('not_found'), Type.Literal('unavailable')]),
  asOf: Type.String({ format: 'date-time' }),
  source: Type.Union([Type.String(), Type.Null()]),
  label: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
};

const VerificationSchema = Type.Object({
  disclosure: Type.Union([Type.Literal('full'), Type.Literal('status')], {
    description:
      "full: found by the id in the document's QR code or by its PDF, with the holder's initials and what it certifies; status: found by its printed number or its application number (which can be guessed), authenticity and validity only",
  }),
  documentId: Type.Optional(Type.String({ description: 'full disclosure only' })),
  number: Type.String({ description: 'the short number printed on the document (KZ-CRC-2026-000123)' }),
  authentic: Type.Boolean({ description: "the issuing agency's signature over the document's SHA-256 verifies under the node's CA" }),
  status: Type.Union([Type.Literal('valid'), Type.Literal('revoked'), Type.Literal('expired')]),
  kind: Type.String(),
  title: Type.Record(Type.String(), Type.String()),
  issuer: Type.Object({ agency: Type.String(), name: Type.Record(Type.String(), Type.String()), member: Type.String() }),
  issuedAt: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  holder: Type.Optional(Type.String({ description: 'masked: initials only; full disclosure only' })),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
  sha256: Type.String(),
  verifyUrl: Type.Optional(Type.String({ description: 'full disclosure only' })),
  certified: Type.Array(
    Type.Union([
      Type.Object({ kind: Type.Literal('criminal-record'), ...answered, records: Type.Array(Type.Object({ article: Type.String(), court: Type.String(), sentencedOn: Type.String() })) }),
      Type.Object({ kind: Type.Literal('person'), ...answered, person: Type.Union([Type.Object({ name: Type.String({ description: 'masked: initials only' }) }), Type.Null()]) }),
    ]),
    { description: "what the document certifies beyond the form: a register's answer as the agency decided on it, with its date and source" },
  ),
  statements: Type.Array(Type.Object({ label: Type.String(), value: Type.String() }), { description: 'the same, as the document states it, in the language asked for (?lang=)' }),
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function verificationPage(v: Verification | undefined, language: Language, catalog: Pick<Catalog, 'agencies'>): string {
  const t = (key: string, params?: Record<string, unknown>) => escape(translate(language, key, params));
  const body = v
    ? (() => {
        const agency = pickText(v.issuer.name, language, LANGUAGE_OF_STATE[v.issuer.member.slice(0, 2)]);
        const date = (iso: string) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
        const status = v.authentic ? v.status : 'revoked';
        return `<h1>${escape(pickText(v.title, language))}</h1>
<p class="status ${status}" role="status"><strong>${t('verify.status')}: ${t(`verify.${status}`)}</strong></p>
${v.authentic ? `<p>${t('verify.authentic', { agency })}</p>` : ''}
${v.revokedAt ? `<p>${t('verify.revokedOn', { date: date(v.revokedAt), reason: v.revocationReason ?? '' })}</p>` : ''}
<dl>
<dt>${t('document.number')}</dt><dd>${escape(v.number)}</dd>
${v.holder ? `<dt>${t('document.holder')}</dt><dd>${escape(v.holder)}</dd>\n` : ''}<dt>${t('document.issuedBy')}</dt><dd>${escape(agency)}</dd>
<dt>${t('document.issuedAt')}</dt><dd>${escape(date(v.issuedAt))}</dd>
${v.validUntil ? `<dt>${t('document.validUntil')}</dt><dd>${escape(date(`${v.validUntil}T00:00:00Z`))}</dd>` : ''}
<dt>SHA-256</dt><dd><code>${escape(v.sha256)}</code></dd>
</dl>
${v.disclosure === 'status' ? `<p class="limited">${t('verify.statusOnly')}</p>` : ''}
${v.certified.length ? `<h2>${t('document.certified')}</h2>\n<dl>\n${certifiedLines(v.certified, language, catalog, { masked: true }).map(([label, value]) => `<dt>${escape(label)}</dt><dd>${escape(value)}</dd>`).join('\n')}\n</dl>` : ''}`;
      })()
    : `<h1>${t('verify.title')}</h1><p class="status revoked" role="status">${t('verify.notFound')}</p>`;
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('verify.title')} · Ortak</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1f29;line-height:1.5}
.status{padding:.75rem 1rem;border-radius:.5rem;border:2px solid}.valid{background:#e7f6ec;border-color:#1e7b3c}
.revoked,.expired{background:#fdecec;border-color:#b3261e}dt{font-weight:600;margin-top:.5rem}dd{margin:0}code{word-break:break-all}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between;border-bottom:1px solid #d5dae1;padding-bottom:.75rem;margin-bottom:1rem}
header a.home{font-weight:700;color:#0b4f8a;text-decoration:none}header ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin:0;padding:0}
a{color:#0b4f8a}a[aria-current]{font-weight:700;color:#1a1f29;text-decoration:none}footer{margin-top:2rem;border-top:1px solid #d5dae1;padding-top:.75rem}</style>
</head><body>
<header><a class="home" href="/">Ortak · ${t('verify.portal')}</a>
<nav aria-label="${t('verify.languages')}"><ul>${LANGUAGES.map((l) => `<li><a href="?lang=${l}" hreflang="${l}" lang="${l}"${l === language ? ' aria-current="true"' : ''}>${escape(new Intl.DisplayNames([l], { type: 'language' }).of(l) ?? l)}</a></li>`).join('')}</ul></nav></header>
<main>${body}</main>
<footer><a href="/check">${t('verify.checkAnother')}</a></footer>
</body></html>`;
}

export function documentRoutes(app: FastifyInstance, node: Node): void {
  const deps = { db: node.database.db, catalog: node.catalog, ca: node.ca, publicUrl: node.config.publicUrl };
  // what the document certifies, as the page prints it, in the caller's language (persons by their initials)
  const withStatements = (v: Verification, language: Language) => ({
    ...v,
    statements: certifiedLines(v.certified, language, node.catalog, { masked: true }).map(([label, value]) => ({ label, value })),
  });
  const today = () => node.clock.now().toISOString().slice(0, 10);

  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.get(
    '/verify/:id',
    {
      schema: {
        tags: ['documents'],
        security: [],
        summary: 'Public verification of a document by the id in its QR code, the number printed on it, or its application number: an HTML page, or JSON with Accept: application/json',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ lang: LangQuery }),
        response: {
          200: { description: 'The verification, as a page or as JSON', content: { 'application/json': { schema: VerificationSchema }, 'text/html': { schema: Type.String() } } },
          404: { description: 'No such document: a page that says so, or a problem', content: { 'application/problem+json': { schema: problemRef }, 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (request: FastifyRequest, reply) => {
      const v = await verifyById(deps, (request.params as { id: string }).id, today());
      const wantsJson = request.headers.accept?.includes('application/json') && !request.headers.accept.includes('text/html');
      if (wantsJson) {
        if (!v) throw notFound('errors.document_not_found');
        return withStatements(v, request.language);
      }
      // In the portal's frame, language and navigation where the node serves its portal (the page asks for the JSON);
      // else a page of its own, with the same facts.
      return sendPortalPage(reply, v ? 200 : 404) || reply.code(v ? 200 : 404).type('text/html; charset=utf-8').serializer((x: unknown) => String(x)).send(verificationPage(v, request.language, node.catalog));
    },
  );

  app.post(
    '/api/v1/documents/verify',
    {
      schema: {
        tags: ['documents'],
        security: [],
        summary: "Are these PDF bytes exactly a document this node issued? Send the file as application/pdf",
        response: {
          200: Type.Object({
            match: Type.Boolean(),
            document: Type.Optional(VerificationSchema),
            signature: Type.Union([
              Type.Object(
                {
                  valid: Type.Boolean({ description: "the embedded PAdES signature verifies over the whole file, by a certificate of this node's CA" }),
                  problem: Type.Optional(Type.String()),
                  signer: Type.Optional(Type.String({ description: "the signing certificate's subject (the issuing agency)" })),
                  timestamp: Type.Optional(Type.Object({ time: Type.String({ format: 'date-time' }), authority: Type.String() }, { description: 'the RFC 3161 time-stamp over the signature, verified' })),
                },
                { description: 'the signature embedded in the PDF; null when it carries none' },
              ),
              Type.Null(),
            ]),
          }),
          ...problems(400, 413, 415),
        },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw badRequest('errors.not_a_pdf');
      const checked = await verifyBytes(deps, request.body, today());
      return checked.document ? { ...checked, document: withStatements(checked.document, request.language) } : checked;
    },
  );

  app.get(
    '/api/v1/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'My documents',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                number: Type.String({ description: 'the short number printed on it' }),
                applicationId: Type.String(),
                kind: Type.String(),
                title: Type.Record(Type.String(), Type.String()),
                issuedAt: Type.String({ format: 'date-time' }),
                validUntil: Type.Union([Type.String(), Type.Null()]),
                revoked: Type.Boolean(),
                verifyUrl: Type.String(),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => ({ items: await listMyDocuments(deps.db, requireActor(request, 'citizen'), deps.publicUrl) }),
  );

  app.get(
    '/api/v1/documents/:id/pdf',
    {
      schema: {
        tags: ['documents'],
        summary: 'Download the document as issued (PDF)',
        params: IdParams,
        response: { 200: { description: 'The PDF, as an attachment', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } } }, ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      const { bytes, fileName } = await documentPdf(deps.db, requireActor(request), (request.params as { id: string }).id, node.clock.now());
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName}"`).send(Buffer.from(bytes));
    },
  );

  app.post(
    '/api/v1/documents/:id/revoke',
    {
      schema: {
        tags: ['documents'],
        summary: "Officer of the issuing agency: revoke a document, with the reason, and every other party's copy of the same result",
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ id: Type.String(), revokedAt: Type.String(), reason: Type.String(), copies: Type.Array(Type.String(), { description: 'every copy revoked: this one first, then the other parties\' copies' }) }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const key = idempotencyKey(request);
      const answer = await revokeDocument({ ...deps, now: node.clock.now() }, actor, (request.params as { id: string }).id, (request.body as { reason: string }).reason, key);
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return answer.body;
    },
  );
}
