import { type CustomScalar, Scalar } from '@nestjs/graphql';
import { Kind, type ValueNode } from 'graphql';

import { SecretValue } from './secret-value';

/**
 * Input-only scalar for secret values. It never fails coercion (graphql-js would put the value in
 * the error message); the secrets service rejects a non-string value without quoting it.
 */
@Scalar('SecretValue', () => SecretValue)
export class SecretValueScalar implements CustomScalar<string, SecretValue> {
  description = 'A secret string (write-only: never returned, logged or echoed in errors)';

  parseValue(value: unknown): SecretValue {
    return new SecretValue(value);
  }

  parseLiteral(ast: ValueNode): SecretValue {
    return new SecretValue(ast.kind === Kind.STRING ? ast.value : null);
  }

  serialize(): string {
    throw new TypeError('SecretValue is write-only');
  }
}
