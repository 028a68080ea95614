import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { SEARCH_PARAMS } from './api-query.ts';
import { OPENAPI_DOCUMENT } from './openapi.ts';

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(OPENAPI_DOCUMENT) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents POST /admin/reload with its applied and refused answers', () => {
    const reload = OPENAPI_DOCUMENT.paths['/admin/reload'].post;
    expect(Object.keys(reload.responses).sort()).toEqual(['200', '401', '403', '405', '415', '422']);
    expect(reload.responses['422'].content['application/json'].schema.$ref).toBe('#/components/schemas/ReloadResult');
  });

  it('documents PUT /admin/sharing-policies/{organization} with its refusals', () => {
    const put = OPENAPI_DOCUMENT.paths['/admin/sharing-policies/{organization}'].put;
    expect(Object.keys(put.responses).sort()).toEqual(['200', '400', '401', '403', '404', '405', '415', '501', '503']);
    expect(put.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/SharingPolicy');
    expect(OPENAPI_DOCUMENT.components.schemas.SharingPolicy.properties).not.toHaveProperty('pseudonymKey');
  });

  it('documents every search parameter the server accepts', () => {
    const documented = OPENAPI_DOCUMENT.paths['/alerts'].get.parameters.map((p) => p.name);
    expect([...documented].sort()).toEqual([...SEARCH_PARAMS].sort());
  });
});
