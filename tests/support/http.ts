/** Reads a fetch Response body as JSON for assertions (tests look into the shape themselves). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
