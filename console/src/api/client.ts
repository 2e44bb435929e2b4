import { type Client, createClient } from 'graphql-ws';

/** A GraphQL answer's errors, in words: the console shows `message` as it is. */
export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly codes: string[] = [],
  ) {
    super(message);
    this.name = 'GraphqlError';
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Posts one operation to `/graphql` with the bearer token; throws a GraphqlError on any error. */
export async function gql<T>(
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GraphqlError('Vigil did not answer: check the network and try again.');
  }
  let body: GraphqlResponse<T>;
  try {
    body = (await res.json()) as GraphqlResponse<T>;
  } catch {
    throw new GraphqlError(
      `Vigil answered ${res.status} ${res.statusText} without a GraphQL body.`,
    );
  }
  if (body.errors?.length) {
    throw new GraphqlError(
      body.errors.map((e) => e.message).join('; '),
      body.errors.map((e) => e.extensions?.code ?? ''),
    );
  }
  if (!body.data) throw new GraphqlError(`Vigil answered ${res.status} with no data.`);
  return body.data;
}

/** One graphql-ws connection per token: every live view of a session shares it. */
export function wsClient(token: string): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  return createClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    lazy: true,
  });
}

/** Subscribes; returns the unsubscribe function. Errors arrive as words. */
export function subscribe<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onError: (message: string) => void,
): () => void {
  return client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors?.length) onError(value.errors.map((e) => e.message).join('; '));
        else if (value.data) onData(value.data);
      },
      error: (err) => onError(describe(err)),
      complete: () => undefined,
    },
  );
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map((e: { message?: string }) => e.message ?? '').join('; ');
  if (err && typeof err === 'object' && 'reason' in err) {
    const reason = (err as { reason?: string; code?: number }).reason;
    return `Live connection closed${reason ? `: ${reason}` : ''}`;
  }
  return 'Live connection lost';
}
