import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { validateIdentifier, type StateCode } from '../../identity/index.js';
import { translate } from '../../i18n/index.js';
import { LangQuery, problems } from '../schemas.js';

const Body = Type.Object(
  {
    state: Type.Union(['KZ', 'AZ', 'KG', 'TR', 'UZ'].map((s) => Type.Literal(s))),
    type: Type.Union([Type.Literal('person'), Type.Literal('organization')]),
    value: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);

const Answer = Type.Object({
  valid: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'why the number is not valid, in the caller\'s language' })),
  reasonCode: Type.Optional(Type.String({ description: 'length | characters | leading_zero | century | date | entity_type | checksum' })),
  birthDate: Type.Optional(Type.String({ format: 'date' })),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
  qualified: Type.Optional(Type.String({ description: 'country code + number, as used across borders' })),
});

export function identifierRoutes(app: FastifyInstance): void {
  app.post(
    '/api/v1/identifiers/validate',
    {
      schema: {
        tags: ['identity'],
        security: [],
        summary: 'Check a national identifier (IIN/BIN, T.C. Kimlik No/VKN, PINFL/STIR, FIN/VÖEN, PIN/INN)',
        querystring: Type.Object({ lang: LangQuery }),
        body: Body,
        response: { 200: Answer, ...problems(400, 413, 415) },
      },
    },
    async (request) => {
      const { state, type, value } = request.body as { state: StateCode; type: 'person' | 'organization'; value: string };
      const check = validateIdentifier(state, type, value);
      if (!check.valid) {
        return { valid: false, reasonCode: check.reason, reason: translate(request.language, `identifiers.${check.reason}`) };
      }
      return { valid: true, birthDate: check.birthDate, sex: check.sex, qualified: `${state}${value}` };
    },
  );
}
