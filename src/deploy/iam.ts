import { AUDIT_INDEX } from '../core/audit';
import type { Verb } from '../core/routes';
import { type CfnResource, TABLE_IDS, type TableRole } from './tables';

// Least privilege, one role per function (docs/reference/deploy.md#iam): each function may do exactly the DynamoDB calls its verb
// makes, on the tables it makes them on. TransactWriteItems has no IAM action of its own: each Put or Delete inside
// it is authorized as PutItem or DeleteItem. Audit records are only ever put (with attribute_not_exists(id) in the
// code), so no function may update or delete one. Index ARNs only where queried; DescribeTable on the data table
// everywhere, for the key schema each container reads once. No grants table, no grant on it, without item roles.

type Action =
  | 'DescribeTable'
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'DeleteItem'
  | 'BatchWriteItem';
/** `DataTable`, or an index of it: `DataTable/index/*` */
type Target = TableRole | `${TableRole}/index/${string}`;
type Needs = Array<[Target, Action[]]>;

const READ_ANY_PLAN: Needs = [
  ['data', ['DescribeTable', 'GetItem', 'BatchGetItem', 'Query', 'Scan']],
  ['data/index/*', ['Query']],
];
const AUDIT_INDEXES = Object.values(AUDIT_INDEX).map((ix): Target => `audit/index/${ix}`);

/** What each verb sends, besides reading auth records and groups; `grants` only counts with item roles. */
const NEEDS: Record<Verb, { needs: Needs; grants?: Action[]; audited: boolean }> = {
  // "what may I see" lists read the caller's grants rows (docs/reference/item-roles.md#planning-what-a-list-costs)
  list: { needs: READ_ANY_PLAN, grants: ['Query'], audited: true },
  unique: { needs: READ_ANY_PLAN, grants: ['Query'], audited: true },
  search: { needs: READ_ANY_PLAN, grants: ['Query'], audited: true },
  get: { needs: [['data', ['DescribeTable', 'GetItem']]], audited: true },
  // the creator's grants row, in the create's transaction
  create: { needs: [['data', ['DescribeTable', 'PutItem']]], grants: ['PutItem'], audited: true },
  update: { needs: [['data', ['DescribeTable', 'GetItem', 'PutItem']]], audited: true },
  // the item's grants rows: up to 90 in its transaction, the rest in batches right after
  delete: {
    needs: [['data', ['DescribeTable', 'GetItem', 'DeleteItem']]],
    grants: ['DeleteItem', 'BatchWriteItem'],
    audited: true,
  },
  // a custom action creates, updates or deletes through the same code as those verbs
  custom: {
    needs: [['data', ['DescribeTable', 'GetItem', 'PutItem', 'DeleteItem']]],
    grants: ['PutItem', 'DeleteItem', 'BatchWriteItem'],
    audited: true,
  },
  // a grant or revoke writes the item's _acl and the user's grants row in one transaction
  grants: {
    needs: [['data', ['DescribeTable', 'GetItem', 'PutItem']]],
    grants: ['PutItem', 'DeleteItem'],
    audited: true,
  },
  audit: {
    needs: [['data', ['DescribeTable', 'GetItem']], ...AUDIT_INDEXES.map((ix): [Target, Action[]] => [ix, ['Query']])],
    audited: true,
  },
  history: {
    needs: [['data', ['DescribeTable', 'GetItem']], ...AUDIT_INDEXES.map((ix): [Target, Action[]] => [ix, ['Query']])],
    audited: true,
  },
  user: { needs: [['data', ['DescribeTable']]], audited: false },
  hasPermission: { needs: [['data', ['DescribeTable']]], audited: false },
};

const arnOf = (target: Target): unknown => {
  const [table, ...index] = target.split('/') as [TableRole, ...string[]];
  const arn = { 'Fn::GetAtt': [TABLE_IDS[table], 'Arn'] };
  return index.length === 0 ? arn : { 'Fn::Join': ['/', [arn, ...index]] };
};

/** The IAM role of the function of one verb: its log group, and exactly the table access the verb needs. */
export function functionRole(verb: Verb, functionName: string, opts: { itemRoles: boolean }): CfnResource {
  const spec = NEEDS[verb];
  const needs: Needs = [
    ['auth', ['BatchGetItem']],
    ['groups', ['BatchGetItem']],
    ...(spec.audited ? ([['audit', ['PutItem']]] as Needs) : []),
    ...spec.needs,
    ...(opts.itemRoles && spec.grants ? ([['grants', spec.grants]] as Needs) : []),
  ];
  // One statement per set of actions, listing every resource that set applies to (as a person would write it).
  const byActions = new Map<string, Target[]>();
  for (const [target, actions] of needs) {
    const key = actions.map((a) => `dynamodb:${a}`).join(',');
    byActions.set(key, [...(byActions.get(key) ?? []), target]);
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: `scoutr-${verb}`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: [
                  {
                    'Fn::Join': [
                      ':',
                      [
                        'arn',
                        { Ref: 'AWS::Partition' },
                        'logs',
                        { Ref: 'AWS::Region' },
                        { Ref: 'AWS::AccountId' },
                        `log-group:/aws/lambda/${functionName}:*`,
                      ],
                    ],
                  },
                ],
              },
              ...[...byActions].map(([actions, targets]) => ({
                Effect: 'Allow',
                Action: actions.split(','),
                Resource: targets.map(arnOf),
              })),
            ],
          },
        },
      ],
    },
  };
}
