import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { addFormats } from '../../src/platform/json-schema.js';

// The node's OpenAPI description as a contract: every answer the integration tests receive from one of its
// operations must be one the description gives — a documented status and media type, a body valid against the
// documented schema — and must agree with the operation's security and required headers. Requests outside the
// description (hidden routes such as /openapi.json and /docs, the portal, unknown paths) are not checked.

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}
interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  operation: Operation;
}

const DOC = 'urn:ortak:openapi';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const escapeRegExp = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
// a JSON Pointer segment inside a URI fragment
const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
const isJson = (media: string) => media === 'application/json' || media.endsWith('+json');

/** The problem code of a problem+json answer. */
function problemCode(res: LightMyRequestResponse): string | undefined {
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) return undefined;
  try {
    return (JSON.parse(res.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

class Contract {
  private readonly routes: Route[];
  private readonly ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(doc: Document) {
    // OpenAPI's own format for file contents: any string
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(doc as object, DOC, undefined, false);
    this.routes = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => METHODS.has(method))
          .map(([method, operation]) => ({
            method: method.toUpperCase(),
            path,
            pattern: new RegExp(`^${path.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}$`),
            operation,
          })),
      )
      // a literal segment wins over a template's parameter
      .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
  }

  /** What is wrong with this answer, or undefined when the description tells its truth (or does not cover it). */
  check(res: LightMyRequestResponse): string | undefined {
    const request = res.raw.req;
    const path = (request.url ?? '').split('?')[0];
    const route = this.routes.find((r) => r.method === request.method && r.pattern.test(path));
    if (!route) return undefined;
    const where = `${route.method} ${route.path} (${request.method} ${(request.url ?? '').slice(0, 120)}) answered ${res.statusCode}`;
    const problem = this.answerProblem(route, res) ?? this.securityProblem(route.operation, res) ?? this.idempotencyProblem(route.operation, res);
    return problem && `OpenAPI contract: ${where}: ${problem}\n  body: ${res.body.slice(0, 300)}`;
  }

  /** The status, media type and body against the operation's responses. */
  private answerProblem({ path, method, operation }: Route, res: LightMyRequestResponse): string | undefined {
    const status = String(res.statusCode);
    const statusKey = [status, `${status[0]}XX`, 'default'].find((k) => operation.responses[k]);
    if (!statusKey) return `status not documented (documented: ${Object.keys(operation.responses).join(', ')})`;
    const content = operation.responses[statusKey].content;
    const media = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!content) return res.rawPayload.length ? `documented without a body, but answered ${media || 'a body'}` : undefined;
    if (!(media in content)) return `media type ${media || '(none)'} not documented (documented: ${Object.keys(content).join(', ')})`;
    const schema = content[media].schema as { type?: string; format?: string } | undefined;
    let body: unknown = res.body;
    if (isJson(media)) {
      try {
        body = JSON.parse(res.body);
      } catch {
        return `${media} body is not JSON`;
      }
    } else if (!schema || schema.format === 'binary') return undefined;
    const pointer = ['paths', path, method.toLowerCase(), 'responses', statusKey, 'content', media, 'schema'].map(segment).join('/');
    let validate = this.validators.get(pointer);
    if (!validate) this.validators.set(pointer, (validate = this.ajv.compile({ $ref: `${DOC}#/${pointer}` })));
    if (!validate(body)) return `body not valid against the documented schema: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
    return undefined;
  }

  /** A public operation answers without credentials; one that needs a session says so when there is none. */
  private securityProblem(operation: Operation, res: LightMyRequestResponse): string | undefined {
    const headers = res.raw.req.headers;
    const credentials = !!(headers.authorization || headers.cookie);
    const needs = (operation.security ?? []).filter((s) => Object.keys(s).length).map((s) => Object.keys(s).join('+'));
    if (res.statusCode < 300 && !credentials && needs.length) return `succeeded without credentials, but is described as needing ${needs.join(' or ')}`;
    if (res.statusCode === 401 && problemCode(res) === 'unauthenticated' && !needs.length) return 'asks for a sign-in, but is described as public (security: [])';
    return undefined;
  }

  /** An operation that refuses a request without an Idempotency-Key documents the header as required. */
  private idempotencyProblem(operation: Operation, res: LightMyRequestResponse): string | undefined {
    if (res.statusCode !== 400 || problemCode(res) !== 'idempotency_key_missing') return undefined;
    const header = operation.parameters?.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
    return header?.required ? undefined : 'requires an Idempotency-Key, but the description does not';
  }
}

// One per distinct description per process: test nodes of the same configuration share compiled validators.
const contracts = new Map<string, Contract>();

/** The checker of a description: `check(answer)` says what is wrong with an answer, or undefined. */
export function contractOf(doc: unknown): Pick<Contract, 'check'> {
  const key = JSON.stringify(doc);
  let contract = contracts.get(key);
  if (!contract) contracts.set(key, (contract = new Contract(doc as Document)));
  return contract;
}

/**
 * Checks every answer `app.inject` gives against the app's own description. A violation rejects that inject, so the
 * test that made the request fails with it, and is kept in `violations` (for requests the node makes itself, such as
 * the demo payment provider's webhook, whose caller may swallow the error).
 */
export function enforceContract(app: FastifyInstance, violations: string[]): void {
  const contract = contractOf(app.swagger());
  const inject = app.inject.bind(app) as (options?: unknown, callback?: unknown) => unknown;
  app.inject = ((options?: unknown, callback?: unknown) => {
    // the chained and callback forms are not used by the tests: left unchecked
    if (options === undefined || callback !== undefined) return inject(options, callback);
    return (inject(options) as Promise<LightMyRequestResponse>).then((res) => {
      const violation = contract.check(res);
      if (violation) {
        violations.push(violation);
        throw new Error(violation);
      }
      return res;
    });
  }) as FastifyInstance['inject'];
}
