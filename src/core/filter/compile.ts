import { tooComplex } from '../errors';
import { nodeOf } from '../operators';
import type { Tokens } from '../operators/operator';
import type { AttributeValue } from '../values';
import type { Filter } from './types';

interface Compiled {
  expression: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** Allocates placeholders from counters. One per request part, so a key condition and a filter never collide. */
export class Placeholders implements Tokens {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly tokenOf = new Map<string, string>();
  private next = 0;
  constructor(private readonly prefix = '') {}
  // 'a.b' is a nested path: one placeholder per segment ('#n0.#n1'), never a literal dotted name.
  name(path: string): string {
    return path
      .split('.')
      .map((segment) => {
        let token = this.tokenOf.get(segment);
        if (!token) {
          token = `#${this.prefix}n${this.tokenOf.size}`;
          this.tokenOf.set(segment, token);
          this.names[token] = segment;
        }
        return token;
      })
      .join('.');
  }
  value(value: AttributeValue): string {
    const token = `:${this.prefix}v${this.next++}`;
    this.values[token] = value;
    return token;
  }
}

/** The condition expression of a filter: connectives here, each leaf by its operator's module. */
export function compileFilter(filter: Filter, ph: Placeholders = new Placeholders()): Compiled {
  const walk = (f: Filter): string => {
    switch (f.op) {
      case 'and':
      case 'or':
        // DynamoDB rejects '((...))' as redundant parentheses, so a single child stands alone.
        if (f.children.length === 1) return walk(f.children[0]);
        return `(${f.children.map(walk).join(` ${f.op.toUpperCase()} `)})`;
      case 'not':
        return `(NOT ${walk(f.child)})`;
      default:
        return nodeOf(f).expression(f, ph);
    }
  };
  return { expression: walk(filter), names: ph.names, values: ph.values };
}

// DynamoDB's documented limits on one expression (Constraints → Expression parameters).
export const MAX_EXPRESSION_BYTES = 4096;
export const MAX_OPERATORS = 300;

/** Operators and functions DynamoDB counts toward its limit of 300 per expression. */
export function countOperators(f: Filter): number {
  switch (f.op) {
    case 'and':
    case 'or':
      return f.children.length - 1 + f.children.reduce((sum, c) => sum + countOperators(c), 0);
    case 'not':
      return 1 + countOperators(f.child);
    default:
      return nodeOf(f).cost;
  }
}

/** 400 QUERY_TOO_COMPLEX before DynamoDB would answer a ValidationException. */
export function checkLimits(expressions: readonly (string | undefined)[], filters: readonly Filter[]): void {
  for (const e of expressions) {
    if (e !== undefined && Buffer.byteLength(e) > MAX_EXPRESSION_BYTES) {
      throw tooComplex(`the query compiles to an expression longer than ${MAX_EXPRESSION_BYTES} bytes`);
    }
  }
  const operators = filters.reduce((sum, f) => sum + countOperators(f), 0);
  if (operators > MAX_OPERATORS) {
    throw tooComplex(`the query needs ${operators} operators; DynamoDB allows ${MAX_OPERATORS}`);
  }
}
