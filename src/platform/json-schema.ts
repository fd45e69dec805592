import addFormatsModule from 'ajv-formats';
import type { Ajv } from 'ajv';

type AddFormats = <T extends Pick<Ajv, 'addFormat'>>(ajv: T) => T;
// ajv-formats is CommonJS; under NodeNext its default export may be the module object. Take the function either way.
export const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  (addFormatsModule as unknown as AddFormats)) as AddFormats;
