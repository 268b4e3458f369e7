// A raw JSON request to a sandbox, for assertions on exact statuses, bodies and headers.
export type Json = Record<string, unknown>;

export async function jsonRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = null,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
}
