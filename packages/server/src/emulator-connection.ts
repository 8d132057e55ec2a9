/**
 * How Ledgerlink gets a QBO access token from the emulator until the OAuth connection lifecycle is
 * wired: the emulator's admin API issues one for a realm, as it does for scripts and tests.
 */
export interface QboConnection {
  realmId: string;
  getAccessToken: () => Promise<string>;
}

export class EmulatorUnreachableError extends Error {
  override readonly name = "EmulatorUnreachableError";
}

export async function connectToEmulator(
  baseUrl: string,
  realmId: string | undefined,
  fetchFn: typeof fetch = fetch,
): Promise<QboConnection> {
  const call = async (path: string, init?: RequestInit): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetchFn(new URL(path, baseUrl), init);
    } catch (err) {
      throw new EmulatorUnreachableError(
        `The QBO emulator at ${baseUrl} is not answering (${err instanceof Error ? err.message : String(err)}). ` +
          "Start it with `ledgerlink emulator` or `npm start`.",
      );
    }
    if (!res.ok) throw new EmulatorUnreachableError(`The QBO emulator answered ${res.status} to ${path}`);
    return res.json();
  };
  const realm = realmId ?? ((await call("/_emulator/realms")) as { defaultRealmId: string }).defaultRealmId;
  let token: string | undefined;
  return {
    realmId: realm,
    getAccessToken: async () => {
      token ??= (
        (await call(`/_emulator/realms/${realm}/tokens`, { method: "POST" })) as { access_token: string }
      ).access_token;
      return token;
    },
  };
}
