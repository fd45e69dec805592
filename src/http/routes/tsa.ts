import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { answerTimestampQuery } from '../../exchange/index.js';
import type { Node } from '../../node.js';
import { badRequest } from '../../platform/errors.js';
import { problemRef, problems } from '../schemas.js';

/**
 * The node's time-stamping authority over HTTP (RFC 3161 §3.4): a DER TimeStampReq in, a DER TimeStampResp out. Its
 * certificate is under the node's CA with the critical `timeStamping` extended key usage; the tokens are the ones the
 * node puts into its documents' signatures and its message log. A request it cannot stamp gets a rejection reply
 * saying why, with 400.
 */
export function tsaRoutes(app: FastifyInstance, node: Node): void {
  app.register(async (scope) => {
    // (only the query's media type: anything else is 415)
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/timestamp-query', { parseAs: 'buffer', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(
      '/tsa',
      {
        schema: {
          tags: ['documents'],
          security: [],
          summary: 'RFC 3161 time-stamping: POST application/timestamp-query, answered application/timestamp-reply',
          description:
            "Send a DER TimeStampReq (`openssl ts -query -data file -sha256 -cert`) as `application/timestamp-query`; the answer is a DER TimeStampResp, its token signed by the node's time-stamping certificate (issued by the node's CA, `timeStamping` usage). A request that is not one, or over a digest other than SHA-256/384/512, is answered 400 with a rejection (PKIStatus rejection, with its failure info).",
          response: {
            200: { description: 'TimeStampResp (DER), granted: the token', content: { 'application/timestamp-reply': { schema: Type.String({ format: 'binary' }) } } },
            400: {
              description: 'TimeStampResp (DER), rejected: why, in its status and failure info; or a problem with the HTTP request itself',
              content: { 'application/timestamp-reply': { schema: Type.String({ format: 'binary' }) }, 'application/problem+json': { schema: problemRef } },
            },
            ...problems(413, 415),
          },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw badRequest('errors.not_a_timestamp_query');
        const { granted, der } = await answerTimestampQuery(node.tsa, request.body, node.clock.now());
        return reply.code(granted ? 200 : 400).type('application/timestamp-reply').send(der);
      },
    );
  });
}
