import type { ErrorBody, Tick } from '@tickwatch/shared';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(body?.error.message ?? `Request failed with status ${status}`);
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok)
    throw new ApiRequestError(res.status, (await res.json().catch(() => undefined)) as ErrorBody | undefined);
  return (await res.json()) as T;
}

export const api = {
  symbols: () => getJson<{ items: Tick[] }>('/api/symbols').then((body) => body.items),
};
