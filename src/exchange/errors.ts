import { randomUUID } from 'node:crypto';

/**
 * Errors that happen inside the exchange, as X-Road's Message Protocol for REST writes them: a JSON body
 * `{type, message, detail}` and the `X-Road-Error` header with the type. `Client.*` is the caller's fault,
 * `Server.ClientProxy.*` the caller's gateway's, `Server.ServerProxy.*` the provider's gateway's. A provider's own
 * error answer is never one of these: it passes through as the provider wrote it.
 */
export class ExchangeError extends Error {
  readonly detail: string;
  /** for a rate limit: when the client may try again */
  retryAfterSeconds?: number;
  constructor(
    readonly type: string,
    message: string,
    readonly status: 400 | 413 | 429 | 431 | 500 = type.startsWith('Client.') ? 400 : 500,
  ) {
    super(message);
    this.detail = randomUUID();
  }

  /** An X-Road error as another gateway wrote it ({type, message, detail}), its detail kept. */
  static fromBody(body: Uint8Array, status: number): ExchangeError {
    let parsed: { type?: unknown; message?: unknown; detail?: unknown } = {};
    try {
      parsed = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      // (not JSON: the type below says what is known)
    }
    const error = new ExchangeError(typeof parsed.type === 'string' ? parsed.type : 'Server.ServerProxy.InternalError', typeof parsed.message === 'string' ? parsed.message : '', status === 400 ? 400 : 500);
    if (typeof parsed.detail === 'string') (error as { detail: string }).detail = parsed.detail;
    return error;
  }

  body(): { type: string; message: string; detail: string } {
    return { type: this.type, message: this.message, detail: this.detail };
  }
}

export const clientError = (type: string, message: string) => new ExchangeError(`Client.${type}`, message, 400);
export const clientProxyError = (type: string, message: string) => new ExchangeError(`Server.ClientProxy.${type}`, message, 500);
export const serverProxyError = (type: string, message: string) => new ExchangeError(`Server.ServerProxy.${type}`, message, 500);
