// After `vite build`: a Brotli and a gzip copy beside each text file of the portal, made once at build time, so
// that the node sends them to browsers that accept them (@fastify/static's preCompressed) at no cost per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../dist/web', import.meta.url));
const TEXT = /\.(?:js|css|html|svg|json|txt|map)$/;

let files = 0;
let before = 0;
let after = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (TEXT.test(name)) {
      const bytes = readFileSync(path);
      // (small files gain nothing worth a second request path)
      if (bytes.length < 1024) continue;
      const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
      writeFileSync(`${path}.br`, br);
      writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
      files += 1;
      before += bytes.length;
      after += br.length;
    }
  }
};
walk(root);
console.log(`portal: ${files} files compressed, ${Math.round(before / 1024)} KB → ${Math.round(after / 1024)} KB with Brotli`);
