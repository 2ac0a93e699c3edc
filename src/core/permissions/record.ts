import { z } from 'zod';
import { JsonNumber } from '../json';

// SPEC.md §2. Records are strict: a misspelt field (`exclude_field`) would silently widen access, so any field not
// listed here is an AUTH_CONFIG error, like every other mistake in the records.
const jsonValue = z.custom<unknown>(() => true);
const filterEntry = z.strictObject({
  field: z.string().min(1),
  operator: z.string().optional(),
  value: jsonValue,
});
export type FilterEntry = z.infer<typeof filterEntry>;
const filters = z.array(filterEntry);
const endpointRule = z.strictObject({ method: z.string(), endpoint: z.string() });
export type EndpointRule = z.infer<typeof endpointRule>;

const permissionFields = {
  permitted_endpoints: z.array(endpointRule).optional(),
  filter_fields: filters.optional(),
  read_filters: filters.optional(),
  create_filters: filters.optional(),
  update_filters: filters.optional(),
  delete_filters: filters.optional(),
  exclude_fields: z.array(z.string().min(1)).optional(),
  update_fields_permitted: z.array(z.string().min(1)).optional(),
  update_fields_restricted: z.array(z.string().min(1)).optional(),
  explain: z.boolean().optional(),
  groups: z.array(z.string().min(1)).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
};

export const RECORD_TYPES = ['API_KEY', 'USERNAME', 'OIDC_GROUP'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const AuthRecordSchema = z.strictObject({
  id: z.string().min(1),
  type: z.string().optional(), // checked by the lookup: a record of another type is ignored and logged
  username: z.string().optional(),
  email: z.string().optional(),
  ...permissionFields,
});
export type AuthRecord = z.infer<typeof AuthRecordSchema>;

export const GroupSchema = z.strictObject({ group_id: z.string().min(1), ...permissionFields });
export type GroupRecord = z.infer<typeof GroupSchema>;
export type PermissionSet = AuthRecord | GroupRecord;

export const isJsonNumber = (v: unknown): v is JsonNumber => v instanceof JsonNumber;

/** Describes a zod failure without values (they may be secrets): field paths and messages only. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
