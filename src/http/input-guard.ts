import type { FastifyInstance } from 'fastify';
import { DomainError, type FieldError } from '../platform/errors.js';

/**
 * Text the node must never store or process, refused with a 400 before any route sees the request: NUL (PostgreSQL
 * text cannot hold it), and UTF-16 surrogates without their pair (not Unicode: they do not survive UTF-8 encoding,
 * canonicalization or signing). JSON is also capped in depth, before canonicalization or a form's validator could
 * recurse into it.
 */
export const MAX_JSON_DEPTH = 64;

const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text is refused (the i18n key of the field error), or undefined when it is acceptable. */
export function badText(text: string): string | undefined {
  const m = BAD_TEXT.exec(text);
  if (!m) return undefined;
  return m[0] === '\u0000' ? 'validation.nul_character' : 'validation.unpaired_surrogate';
}

const pointer = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The first problem in a parsed value (strings and property names anywhere in it, and its depth), as a field error
 * under `root`. Iterative, so a value nested thousands deep cannot overflow the stack here either.
 */
export function checkValue(value: unknown, root: string, maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const code = badText(v);
      if (code) return { field: path || '/', code };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return { field: path || '/', code: 'validation.too_deep', params: { limit: maxDepth } };
      for (const [key, child] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
        const at = pointer(path, key);
        if (typeof key === 'string') {
          const code = badText(key);
          if (code) return { field: at, code };
        }
        stack.push({ value: child, path: at, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

// Headers whose values the node stores (an idempotency key is kept with its answer).
const STORED_HEADERS = ['idempotency-key'];

/** Refuses bad text and over-deep JSON in the path, the query, stored headers and the body of every request. */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found =
      checkValue(request.params, '/params') ??
      checkValue(request.query, '/querystring') ??
      STORED_HEADERS.map((h) => checkValue(request.headers[h], `/headers/${h}`)).find(Boolean) ??
      checkValue(request.body, '');
    if (found) throw new DomainError('bad_request', 'errors.request_invalid', {}, [found]);
  });
}
