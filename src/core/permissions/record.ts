import * as z from 'zod/mini';

// docs/reference/permissions.md#mistakes-in-the-records. Records are strict: a misspelt field (`exclude_field`) would silently widen access, so any field not
// listed here is an AUTH_CONFIG error, like every other mistake in the records.
const jsonValue = z.unknown();
const nonEmpty = z.string().check(z.minLength(1));
export const FieldFilterEntrySchema = z.strictObject({
  field: nonEmpty,
  operator: z.optional(z.string()),
  value: jsonValue,
});
/** `{"item_role": "view"}`: the items on which the caller holds that item role (docs/reference/item-roles.md#item_role-filters). */
const ItemRoleEntrySchema = z.strictObject({ item_role: nonEmpty });
export const FilterEntrySchema = z.union([FieldFilterEntrySchema, ItemRoleEntrySchema]);
export type FieldFilterEntry = z.infer<typeof FieldFilterEntrySchema>;
export type FilterEntry = z.infer<typeof FilterEntrySchema>;
const filters = z.array(FilterEntrySchema);
const opt = z.optional;
export const EndpointRuleSchema = z.strictObject({ method: z.string(), endpoint: z.string() });
export type EndpointRule = z.infer<typeof EndpointRuleSchema>;

/** The fields an auth record and a group share (docs/reference/permissions.md#auth-records-and-groups); the policy file's schema reuses them. */
export const permissionFields = {
  permitted_endpoints: opt(z.array(EndpointRuleSchema)),
  filter_fields: opt(filters),
  read_filters: opt(filters),
  create_filters: opt(filters),
  update_filters: opt(filters),
  /** what the row must satisfy after an update (PostgreSQL's WITH CHECK); without any in a role: update_filters */
  update_check_filters: opt(filters),
  delete_filters: opt(filters),
  exclude_fields: opt(z.array(nonEmpty)),
  update_fields_permitted: opt(z.array(nonEmpty)),
  update_fields_restricted: opt(z.array(nonEmpty)),
  explain: opt(z.boolean()),
  groups: opt(z.array(nonEmpty)),
  name: opt(z.string()),
  description: opt(z.string()),
};

/** The fields that hold row filter entries, in the order a person reads them. */
export const FILTER_LIST_FIELDS = [
  'filter_fields',
  'read_filters',
  'create_filters',
  'update_filters',
  'update_check_filters',
  'delete_filters',
] as const;

// ROLE (docs/reference/identity.md#sources-in-order-of-precedence): a record no identity lookup ever finds, named by DEFAULT_ROLE or ANONYMOUS_ROLE.
export const RECORD_TYPES = ['API_KEY', 'USERNAME', 'OIDC_GROUP', 'ROLE'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** An auth record's own fields besides `id` and `type` (docs/reference/identity.md#what-each-source-gives: an API key caller's username and email). */
export const identityFields = { username: opt(z.string()), email: opt(z.string()) };

export const AuthRecordSchema = z.strictObject({
  id: nonEmpty,
  type: opt(z.string()), // checked by the lookup: a record of another type is ignored and logged
  ...identityFields,
  ...permissionFields,
});
export type AuthRecord = z.infer<typeof AuthRecordSchema>;

export const GroupSchema = z.strictObject({ group_id: nonEmpty, ...permissionFields });
export type GroupRecord = z.infer<typeof GroupSchema>;
export type PermissionSet = AuthRecord | GroupRecord;

/** Describes a zod failure without values (they may be secrets): field paths and messages only. */
export const describeIssues = (error: z.core.$ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
