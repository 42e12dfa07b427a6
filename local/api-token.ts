import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SameTokenError } from './errors.js';

export interface ApiToken {
  token: string;
  /** Where it came from: the environment, the data directory, or made now. */
  origin: 'env' | 'file' | 'generated';
  file?: string;
}

export const TOKEN_FILE = 'api-token';
/** The supervision office's token (督查室: reviews and plan amendments), beside the read token. */
export const OFFICE_TOKEN_FILE = 'office-token';

/**
 * A bearer token of the local runtime. With `fromEnv` set, that; otherwise a random token kept in the
 * data directory (`<DATA_DIR>/<file>`, mode 0600), made on first start, so that it is never a
 * well-known string and stays the same across restarts of the same data.
 */
async function resolveToken(fromEnv: string | undefined, dataDir: string, fileName: string): Promise<ApiToken> {
  if (fromEnv) return { token: fromEnv, origin: 'env' };
  const file = join(dataDir, fileName);
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

/** The read token: `API_TOKEN`, else `<DATA_DIR>/api-token`. */
export function resolveApiToken(fromEnv: string | undefined, dataDir: string): Promise<ApiToken> {
  return resolveToken(fromEnv, dataDir, TOKEN_FILE);
}

/** The office token: `OFFICE_TOKEN`, else `<DATA_DIR>/office-token`. */
export function resolveOfficeToken(fromEnv: string | undefined, dataDir: string): Promise<ApiToken> {
  return resolveToken(fromEnv, dataDir, OFFICE_TOKEN_FILE);
}

/** Both tokens of the runtime: the read token and the office's, which must differ. */
export async function resolveTokens(
  env: { apiToken?: string | undefined; officeToken?: string | undefined },
  dataDir: string,
): Promise<{ api: ApiToken; office: ApiToken }> {
  const api = await resolveApiToken(env.apiToken, dataDir);
  const office = await resolveOfficeToken(env.officeToken, dataDir);
  if (api.token === office.token) throw new SameTokenError();
  return { api, office };
}
