// The parts of ncalayer-js-client (sigex-kz, CommonJS, no typings of its own) the portal uses.
declare module 'ncalayer-js-client' {
  export class NCALayerError extends Error {
    canceledByUser?: boolean;
  }
  export class NCALayerClient {
    constructor(url?: string, allowKmdHttpApi?: boolean);
    url: string;
    wsConnection: WebSocket | null;
    connect(): Promise<string>;
    basicsSignCMS(allowedStorages: string[] | null, data: string, signingParams: object, signerParams: object, locale?: string): Promise<string | string[]>;
    static readonly basicsStorageAll: null;
    static readonly basicsCMSParamsDetached: object;
    static readonly basicsSignerAuthAny: object;
    static readonly basicsSignerSignAny: object;
  }
}
