import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import * as z from 'zod/mini';
import app from '../../../example/petstore/scoutr.config';
import type { AppConfig } from '../../../src/core/app';
import { defineApp } from '../../../src/core/define-app';
import { routesFor, templateParams } from '../../../src/core/routes';
import { openApiDocument } from '../../../src/http/openapi';

// openapi.json: OpenAPI 3.1 that a real validator accepts, generated from the one route table, and committed as
// generated (`npm run openapi`).

type Doc = ReturnType<typeof openApiDocument>;
type Operation = {
  operationId: string;
  parameters: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/** The validator dereferences in place: give it a copy. */
async function problems(doc: unknown): Promise<string> {
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  return result.valid ? '' : compileErrors(result);
}
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Operation })),
  );

const renamed: AppConfig = defineApp({
  routes: { items: '/pets/', item: 'pet' },
  uniqueRoutes: { '/kinds/': 'kind' },
  filterRoutes: ['/pets/kind/{kind}'],
  fieldValidation: { kind: z.enum(['dog', 'cat']), age: (v) => typeof v === 'number' },
  customActions: {
    ADOPT: {
      method: 'PUT',
      path: '/pet/{id}/adopt',
      run: async (ops, req) => ops.update(req.pathParams.id!, { adopted: true }),
    },
  },
});

const APPS: [string, AppConfig][] = [
  ['the example app', app],
  ['an empty app config', {}],
  ['an app with renamed and custom routes', renamed],
];

describe.each(APPS)('the document for %s', (_name, config) => {
  const doc = openApiDocument(config);

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await problems(doc)).toBe('');
  });

  it('has exactly the routes of the route table', () => {
    const documented = operations(doc).map((o) => `${o.method} ${o.path}`);
    expect(documented.sort()).toEqual(
      routesFor(config)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  it('declares every path parameter of every template, as required', () => {
    for (const { path, method, op } of operations(doc)) {
      const declared = op.parameters.filter((p) => p.in === 'path');
      expect({ route: `${method} ${path}`, params: declared.map((p) => [p.name, p.required]) }).toEqual({
        route: `${method} ${path}`,
        params: templateParams(path).map((name) => [name, true]),
      });
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers every error status with the Error schema', () => {
    for (const { path, method, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect({
          route: `${method} ${path} ${status}`,
          schema: response.content?.['application/json']?.schema,
        }).toEqual({
          route: `${method} ${path} ${status}`,
          schema: { $ref: '#/components/schemas/Error' },
        });
      }
    }
  });

  it('requires the API key on every operation', () => {
    expect(doc.security).toEqual([{ ApiKey: [] }]);
    expect(doc.components.securitySchemes.ApiKey).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
  });
});

describe('_explain', () => {
  const doc = openApiDocument(app);
  const explained = operations(doc).filter((o) => o.op.parameters.some((p) => p.name === '_explain'));

  it('is documented exactly on the verbs that answer it with a plan (list, unique, search, get)', () => {
    const verbs = new Set(explained.map((o) => o.op.operationId.split('_')[0]));
    expect([...verbs].sort()).toEqual(['get', 'list', 'search', 'unique']);
  });

  it('documents the plan as a 200 answer wherever it is accepted', () => {
    for (const { path, method, op } of explained) {
      expect({ route: `${method} ${path}`, answer: JSON.stringify(op.responses['200']) }).toEqual({
        route: `${method} ${path}`,
        answer: expect.stringContaining('"$ref":"#/components/schemas/Plan"'),
      });
    }
  });
});

describe('the validator', () => {
  // It has to be able to fail for the checks above to mean anything.
  it.each([
    {
      broken: 'an undeclared path parameter',
      edit: (d: Doc) => {
        (d.paths['/item/{id}']!.get as Operation).parameters = [];
      },
    },
    {
      broken: 'a dangling $ref',
      edit: (d: Doc) => {
        delete (d.components.schemas as Record<string, unknown>).Error;
      },
    },
    {
      broken: 'a response without a description',
      edit: (d: Doc) => {
        delete (d.paths['/user']!.get as { responses: Record<string, { description?: string }> }).responses['200']!
          .description;
      },
    },
  ])('rejects a document with $broken', async ({ edit }) => {
    const doc = structuredClone(openApiDocument(app));
    edit(doc);
    expect(await problems(doc)).not.toBe('');
  });
});

describe('openapi.json', () => {
  it('is what `npm run openapi` generates for the example app (regenerate it after changing routes)', () => {
    const committed = readFileSync(resolve(__dirname, '../../../openapi.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  });

  it('documents the fields the example validates with zod by their JSON schema', () => {
    const item = openApiDocument(app).components.schemas.Item as { properties: Record<string, unknown> };
    expect(item.properties.status).toEqual({ type: 'string', enum: ['available', 'pending', 'sold'] });
    expect(item.properties.name).toEqual({ description: 'checked by a validator in code' });
  });
});
