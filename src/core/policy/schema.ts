import * as z from 'zod/mini';
import { EndpointRuleSchema, identityFields, permissionFields, RECORD_TYPES } from '../permissions/record';

// docs/reference/policy-file.md#the-document: the policy document. This schema is its only definition: `scoutr policy schema` prints it as JSON
// Schema, `validate` checks files with it, and its fields are the auth record's own (src/core/permissions/record.ts).

/** `"GET /items"`: a method, white space, then the endpoint regex (which may itself hold spaces). */
export const ENDPOINT_SHORTHAND = /^(\S+)\s+(\S.*)$/su;
const shorthand = z.string().check(z.regex(ENDPOINT_SHORTHAND, 'expected "METHOD regex", such as "GET /items"'));
const endpoint = z.union([shorthand, EndpointRuleSchema]);
const policyFields = { ...permissionFields, permitted_endpoints: z.optional(z.array(endpoint)) };

export const PolicyGroupSchema = z.strictObject(policyFields);
export const PolicyRecordSchema = z.strictObject({ type: z.enum(RECORD_TYPES), ...identityFields, ...policyFields });
const id = z.string().check(z.minLength(1));

export const PolicySchema = z.strictObject({
  $schema: z.optional(z.string()),
  version: z.literal(1),
  groups: z.optional(z.record(id, PolicyGroupSchema)),
  records: z.optional(z.record(id, PolicyRecordSchema)),
});
export type PolicyDocument = z.infer<typeof PolicySchema>;
export type PolicyRecord = z.infer<typeof PolicyRecordSchema>;
export type PolicyGroup = z.infer<typeof PolicyGroupSchema>;
export type PolicyEndpoint = z.infer<typeof endpoint>;

/** The JSON Schema editors use (draft 2020-12). */
export const policyJsonSchema = () =>
  z.toJSONSchema(PolicySchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
