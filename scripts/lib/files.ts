// Small file-system checks shared by the dev tooling that finds binaries (livekit-server, Chromium).
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** True when `path` is a regular file this process may execute. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
