import { randomUUID } from 'node:crypto';

import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { Logger } from '@nestjs/common';
import {
  type DocumentNode,
  type GraphQLFormattedError,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';

import type { GraphqlLimits } from '../../config/app-config';
import { checkOperationCost } from './query-cost';

const logger = new Logger('GraphQL');

export interface GraphqlHardening {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** For graphql-ws, which validates with the specified rules only unless given this. */
  validateSubscription: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

/**
 * The limits every GraphQL operation passes before it runs: depth, aliases, directives and
 * tokens (graphql-armor), then cost with page-size multipliers and a page-size cap (ours, since
 * it needs the variables).
 */
export function graphqlHardening(limits: GraphqlLimits): GraphqlHardening {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    // Ours counts list multipliers; armor's counts fields only.
    costLimit: { enabled: false },
    // Suggestions leak the schema when introspection is off.
    blockFieldSuggestion: { enabled: !limits.introspection },
  }).protect();
  const cost: ApolloServerPlugin = {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ schema, document, operation, request }) => {
          try {
            if (operation) {
              checkOperationCost(schema, document, operation, request.variables ?? {}, limits);
            }
          } catch (err) {
            if (err instanceof GraphQLError) throw withHttpStatus(err, 400);
            throw err;
          }
          return Promise.resolve();
        },
      }),
  };
  const validationRules = armor.validationRules;
  return {
    plugins: [...armor.plugins, cost],
    validationRules,
    formatError: limits.maskErrors ? maskError : (formatted) => formatted,
    validateSubscription: (schema, document) => {
      const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
      if (errors.length > 0) return errors;
      const operation = getOperationAST(document);
      try {
        if (operation) checkOperationCost(schema, document, operation, null, limits);
      } catch (err) {
        if (err instanceof GraphQLError) return [err];
        throw err;
      }
      return [];
    },
  };
}

/**
 * Errors the API means to send (they carry a code other than INTERNAL_SERVER_ERROR) keep their
 * message; anything else is replaced by a generic message and a correlation id, and logged here
 * with that id. Stacks never leave.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
  const code = extensions.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    return { ...formatted, extensions };
  }
  const correlationId = randomUUID();
  const cause = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  logger.error(
    `unexpected error ${correlationId} at ${formatted.path?.join('.') ?? '(operation)'}: ${
      cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)
    }`,
  );
  return {
    message: `Internal server error (correlation id ${correlationId})`,
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
  };
}

function withHttpStatus(err: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(err.message, {
    extensions: { ...err.extensions, http: { status } },
  });
}
