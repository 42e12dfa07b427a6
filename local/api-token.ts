import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ApiToken {
  token: string;
  /** Where it came from: the environment, the data directory, or made now. */
  origin: 'env' | 'file' | 'generated';
  file?: string;
}

export const TOKEN_FILE = 'api-token';

/**
 * The local runtime's bearer token. With `API_TOKEN` set, that; otherwise a random token kept in the
 * data directory (`<DATA_DIR>/api-token`, mode 0600), made on first start, so that it is never a
 * well-known string and stays the same across restarts of the same data.
 */
export async function resolveApiToken(fromEnv: string | undefined, dataDir: string): Promise<ApiToken> {
  if (fromEnv) return { token: fromEnv, origin: 'env' };
  const file = join(dataDir, TOKEN_FILE);
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (/^[\x21-\x7e]{16,}$/.test(kept)) return { token: kept, origin: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, origin: 'generated', file };
}
