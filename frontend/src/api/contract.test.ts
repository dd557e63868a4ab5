import { describe, expect, it } from 'vitest';
import { ENDPOINTS, type OpenApi, contractProblems } from './contract';
import document from './openapi.json';

describe("the client's types against the server's OpenAPI document (npm run openapi refreshes it)", () => {
  it('uses only fields the server documents and sends every field it requires', () => {
    expect(contractProblems(document as unknown as OpenApi)).toEqual([]);
  });

  it('notices a field the server does not have', () => {
    const broken = [{ ...ENDPOINTS.find((e) => e.path === '/change/rate')!, response: { keys: ['rate', 'bonus'] } }];
    expect(contractProblems(document as unknown as OpenApi, broken)).toEqual(['GET /change/rate response.bonus: not in the server\'s schema']);
  });

  it('notices a required request field that is not sent', () => {
    const broken = [{ ...ENDPOINTS.find((e) => e.path === '/tutorial/progress')!, request: { keys: [] } }];
    expect(contractProblems(document as unknown as OpenApi, broken)).toContain('POST /tutorial/progress request.step: required by the server, not sent');
  });
});
