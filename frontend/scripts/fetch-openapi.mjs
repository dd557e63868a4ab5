// Refreshes src/api/openapi.json, the server's OpenAPI document that src/api/contract.test.ts checks the
// client's types against: `API_URL=http://127.0.0.1:8000 npm run openapi`.
import { writeFileSync } from 'node:fs';

const base = process.env.API_URL ?? 'http://127.0.0.1:8000';
const response = await fetch(`${base}/openapi.json`);
if (!response.ok) throw new Error(`${base}/openapi.json answered ${response.status}`);
const document = await response.json();
writeFileSync(new URL('../src/api/openapi.json', import.meta.url), `${JSON.stringify(document, null, 1)}\n`);
console.log(`src/api/openapi.json: ${Object.keys(document.paths).length} paths from ${base}`);
