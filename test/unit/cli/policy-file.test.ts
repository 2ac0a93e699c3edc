import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import recipes from '../../../example/recipes/scoutr.config';
import { checkItemRoles } from '../../../src/core/item-roles';
import type { ValidateOptions } from '../../../src/core/policy/validate';
import { appItemRoles, formatIssue, loadPolicyFile } from '../../../src/policy-file';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoutr-policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function messages(text: string, ext = 'yml', options: ValidateOptions = {}): string[] {
  const file = join(dir, `p${++n}.${ext}`);
  writeFileSync(file, text);
  const loaded = loadPolicyFile(file, options);
  return 'issues' in loaded ? loaded.issues.map((i) => formatIssue(i).replace(`${file}`, 'FILE')) : [];
}

const yaml = (lines: string[]) => `${lines.join('\n')}\n`;

describe('policy validate: one located message per rule', () => {
  it.each([
    {
      rule: 'a bad regex, compiled as the server compiles it',
      text: ['version: 1', 'groups:', '  g:', '    permitted_endpoints: ["GET /(?P<id>x)"]'],
      want: /^FILE:4:27: groups\.g\.permitted_endpoints\[0\]: invalid endpoint regex \(Invalid regular expression/,
    },
    {
      rule: 'a bad regex in the object form, at its endpoint',
      text: ['version: 1', 'groups:', '  g:', '    permitted_endpoints:', '      - {method: GET, endpoint: "/items("}'],
      want: /^FILE:5:33: groups\.g\.permitted_endpoints\[0\]\.endpoint: invalid endpoint regex/,
    },
    {
      rule: 'an invalid method',
      text: ['version: 1', 'groups:', '  g: {permitted_endpoints: [{method: FETCH, endpoint: /items}]}'],
      want: "FILE:3:38: groups.g.permitted_endpoints[0].method: invalid method 'FETCH'",
    },
    {
      rule: 'an invalid method in the shorthand',
      text: ['version: 1', 'groups:', '  g: {permitted_endpoints: ["FETCH /items"]}'],
      want: "FILE:3:29: groups.g.permitted_endpoints[0]: invalid method 'FETCH'",
    },
    {
      rule: 'a shorthand without a regex',
      text: ['version: 1', 'groups:', '  g: {permitted_endpoints: ["GET"]}'],
      want: 'FILE:3:29: groups.g.permitted_endpoints[0]: expected "METHOD regex", such as "GET /items"',
    },
    {
      rule: 'an unknown operator',
      text: ['version: 1', 'groups:', '  g: {read_filters: [{field: a, operator: like, value: x}]}'],
      want: "FILE:3:43: groups.g.read_filters[0].operator: filter on 'a': unknown operator 'like'",
    },
    {
      rule: 'an unknown operator in update_check_filters',
      text: ['version: 1', 'groups:', '  g: {update_check_filters: [{field: a, operator: like, value: x}]}'],
      want: "FILE:3:51: groups.g.update_check_filters[0].operator: filter on 'a': unknown operator 'like'",
    },
    {
      rule: 'an unknown variable in update_check_filters',
      text: [
        'version: 1',
        'records:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Scoutr placeholder, not a JS template
        '  k: {type: API_KEY, update_check_filters: [{field: a, value: "${user.nope}"}]}',
      ],
      want: /^FILE:3:63: records\.k\.update_check_filters\[0\]\.value: filter on 'a': unknown variable '\$\{user\.nope\}'/,
    },
    {
      rule: 'a value of the wrong type for its operator',
      text: ['version: 1', 'groups:', '  g: {read_filters: [{field: a, operator: gt, value: true}]}'],
      want: "FILE:3:54: groups.g.read_filters[0].value: filter on 'a': 'gt' needs a number or a string",
    },
    {
      rule: 'a map as a filter value',
      text: ['version: 1', 'groups:', '  g: {update_filters: [{field: a, value: {x: 1}}]}'],
      want: "FILE:3:42: groups.g.update_filters[0].value: filter on 'a': values must be strings, numbers, booleans or null",
    },
    {
      rule: 'an unknown group',
      text: ['version: 1', 'records:', '  k: {type: API_KEY, groups: [nope]}'],
      want: "FILE:3:31: records.k.groups[0]: unknown group_id 'nope'",
    },
    {
      rule: 'a group cycle, reported once',
      text: [
        'version: 1',
        'groups:',
        '  a: {groups: [b]}',
        '  b: {groups: [a]}',
        'records:',
        '  k: {type: API_KEY, groups: [a]}',
      ],
      want: 'FILE:4:16: groups.b.groups[0]: group cycle a → b → a',
    },
    {
      rule: 'an unknown user variable',
      text: ['version: 1', 'groups:', '  g: {read_filters: [{field: owner, value: "$' + '{user.mail}"}]}'],
      want: /^FILE:3:44: groups\.g\.read_filters\[0\]\.value: filter on 'owner': unknown variable '\$\{user\.mail\}'/,
    },
    {
      rule: 'an unknown field, at its key, with the likely one',
      text: ['version: 1', 'records:', '  k:', '    type: API_KEY', '    exclude_field: [cost]'],
      want: "FILE:5:5: records.k.exclude_field: unknown field (did you mean 'exclude_fields'?)",
    },
    {
      rule: 'an unknown record type',
      text: ['version: 1', 'records:', '  k: {type: USER}'],
      want: 'FILE:3:13: records.k.type: must be one of API_KEY, USERNAME, OIDC_GROUP, ROLE',
    },
    {
      rule: 'a missing type, at the record',
      text: ['version: 1', 'records:', '  k: {name: x}'],
      want: 'FILE:3:6: records.k.type: required',
    },
    {
      rule: 'a list where a map belongs',
      text: ['version: 1', 'groups: [a, b]'],
      want: 'FILE:2:9: groups: expected record, got a list',
    },
    {
      rule: 'a wrong version',
      text: ['version: 2'],
      want: 'FILE:1:10: version: must be 1',
    },
    {
      rule: 'a string where a boolean belongs',
      text: ['version: 1', 'groups:', '  g: {explain: "yes"}'],
      want: 'FILE:3:16: groups.g.explain: expected boolean, got string "yes"',
    },
    {
      rule: 'a YAML syntax error',
      text: ['version: 1', 'records:', '  k: {type: API_KEY'],
      want: /^FILE:\d+:\d+: Flow map in block collection must be sufficiently indented and end with a \}$/,
    },
    {
      rule: 'a duplicate key',
      text: ['version: 1', 'records:', '  k: {type: API_KEY}', '  k: {type: USERNAME}'],
      want: 'FILE:4:3: Map keys must be unique',
    },
  ])('$rule', ({ text, want }) => {
    const got = messages(yaml(text));
    expect(got).toHaveLength(1);
    if (typeof want === 'string') expect(got[0]).toBe(want);
    else expect(got[0]).toMatch(want);
  });

  describe('item roles not declared by the app config (--app MODULE)', () => {
    const text = yaml([
      'version: 1',
      'records:',
      '  member:',
      '    type: ROLE',
      '    read_filters: [{item_role: viewer}]',
      '    update_filters: [{item_role: edit}]',
    ]);
    it('names the undeclared role at its entry, with the roles the app declares', () => {
      expect(messages(text, 'yml', { itemRoles: checkItemRoles(recipes.itemRoles!) })).toEqual([
        "FILE:5:32: records.member.read_filters[0].item_role: filter on item_role 'viewer': not an item role of the app config (its item roles are own, edit, view)",
      ]);
    });
    it('refuses every item_role entry for an app that declares none', () => {
      expect(messages(text, 'yml', { itemRoles: null })).toHaveLength(2);
    });
    it('does not judge item roles without an app to judge them by', () => {
      expect(messages(text)).toEqual([]);
    });
    it("reads an app module's item roles as the server checks them, and names a module that cannot load", () => {
      expect(appItemRoles(join(__dirname, '../../../example/recipes/scoutr.config.ts')).roles?.roles).toEqual([
        'own',
        'edit',
        'view',
      ]);
      expect(appItemRoles(join(__dirname, '../../../example/petstore/scoutr.config.ts'))).toMatchObject({
        declared: undefined,
        roles: null,
      });
      const bad = join(dir, 'bad-app.ts');
      writeFileSync(bad, "export default { itemRoles: { roles: ['own', 'own'] } };\n");
      expect(() => appItemRoles(bad)).toThrow(`${bad}: itemRoles: role 'own' is declared twice`);
      expect(() => appItemRoles(join(dir, 'missing.ts'))).toThrow(/cannot load the app config/);
    });
  });

  it('reports filters beyond DynamoDB expression limits at the record', () => {
    const values = Array.from({ length: 400 }, (_, i) => `{field: f${i}, value: v}`).join(', ');
    const got = messages(yaml(['version: 1', 'records:', `  k: {type: API_KEY, read_filters: [${values}]}`]));
    expect(got).toEqual([
      "FILE:3:6: records.k: filters exceed DynamoDB's expression limits (compiles to an expression longer than 4096 bytes)",
    ]);
  });

  it('reports every error at once, in file order', () => {
    const got = messages(
      yaml([
        'version: 1',
        'groups:',
        '  g: {permitted_endpoints: ["FETCH /x"], groups: [nope]}',
        'records:',
        '  k: {type: KEY, exclude_fieldz: [x], read_filters: [{field: a, operator: like, value: 1}]}',
      ]),
    );
    expect(got.map((m) => m.split(': ')[0])).toEqual(['FILE:3:29', 'FILE:3:51', 'FILE:5:13', 'FILE:5:18', 'FILE:5:75']);
  });

  it('locates errors in a JSON file', () => {
    const got = messages(
      '{\n  "version": 1,\n  "records": {\n    "k": {"type": "API_KEY", "explain": 1}\n  }\n}\n',
      'json',
    );
    expect(got).toEqual(['FILE:4:41: records.k.explain: expected boolean, got number 1']);
  });

  it('names the field path for a TS module, which has no positions', () => {
    const got = messages(
      "export default { version: 1, records: { k: { type: 'API_KEY', groups: ['nope'] } } };\n",
      'ts',
    );
    expect(got).toEqual(["FILE: records.k.groups[0]: unknown group_id 'nope'"]);
  });

  it('accepts the policy of docs/reference/policy-file.md#the-document', () => {
    const spec = yaml([
      'version: 1',
      'groups:',
      '  catalog-read:',
      '    description: browse and search',
      '    permitted_endpoints: ["GET /items(/[^/]+/[^/]+)?", {method: POST, endpoint: "/search/[^/]+"}]',
      'records:',
      '  public-key: {type: API_KEY, name: Website, groups: [catalog-read], exclude_fields: [cost]}',
      '  alice: {type: USERNAME, groups: [catalog-read]}',
      '  everyone: {type: ROLE, read_filters: [{field: is_public, value: true}]}',
    ]);
    expect(messages(spec)).toEqual([]);
  });
});
