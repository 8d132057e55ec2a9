import { UsageError } from "./exit-codes.js";

/** How a verb that sets a password gets it; never from a flag's value (shell history, `ps`). */
export interface PasswordFlags {
  passwordStdin?: boolean;
  generatePassword?: boolean;
  /** Declared only to refuse it with a clear message instead of commander's "unknown option". */
  password?: string | boolean;
}

export const refusedPasswordFlag =
  "--password is refused: a password on the command line stays in your shell history and shows in `ps`. " +
  "Answer the prompt, pipe it in with --password-stdin, or use --generate-password.";

/** Terminal sequences a paste or an arrow key sends (bracketed paste `ESC[200~`, `ESC[D`…). */
// eslint-disable-next-line no-control-regex
const escapeSequence = /\u001b\[[0-9;]*[~A-Za-z]|\u001b./g;

/**
 * Reads a password typed at the terminal with echo off (raw mode: nothing is printed as it is typed),
 * Backspace working, Ctrl-C cancelling. The prompt goes to stderr, so stdout stays the verb's output.
 */
export function promptHidden(
  prompt: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  // Echo off before the prompt shows: whatever is typed once it is visible is never echoed.
  input.setRawMode(true);
  output.write(prompt);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk.replace(escapeSequence, "")) {
        if (ch === "\r" || ch === "\n") {
          finish();
          resolve(chars.join(""));
          return;
        }
        if (ch === "\u0003" || (ch === "\u0004" && chars.length === 0)) {
          finish();
          reject(new UsageError("Cancelled: no password was set."));
          return;
        }
        if (ch === "\u007f" || ch === "\b") chars = chars.slice(0, -1);
        else if (ch === "\u0015")
          chars = []; // Ctrl-U: start again
        else if (ch >= " ") chars.push(ch);
      }
    };
    input.on("data", onData);
  });
}

/** All of stdin, less one trailing newline (`echo "$PW" | …` and `printf %s "$PW" | …` alike). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** A new password's rules, as the HTTP API applies them; a UsageError naming `password` otherwise. */
export function checkNewPassword(password: string, minLength: number): string {
  if (password.length < minLength) throw new UsageError(`password: at least ${minLength} characters`);
  if (password.length > 1024) throw new UsageError("password: at most 1024 characters");
  if (/[\r\n]/.test(password)) throw new UsageError("password: one line only");
  return password;
}

/**
 * The new password of a user: from stdin with --password-stdin, generated with --generate-password
 * (then `generated` is true and the caller prints it once), else asked twice at the terminal. With no
 * terminal and neither flag there is nobody to ask: a usage error says what to do.
 */
export async function newPassword(
  flags: PasswordFlags,
  o: { minLength: number; generate: () => string; who: string },
): Promise<{ password: string; generated: boolean }> {
  if (flags.password !== undefined) throw new UsageError(refusedPasswordFlag);
  if (flags.passwordStdin && flags.generatePassword)
    throw new UsageError("--password-stdin and --generate-password: choose one");
  if (flags.generatePassword) return { password: o.generate(), generated: true };
  if (flags.passwordStdin)
    return { password: checkNewPassword(await readStdin(), o.minLength), generated: false };
  if (!process.stdin.isTTY)
    throw new UsageError(
      "password: there is no terminal to ask on; pipe it in with --password-stdin, or use --generate-password",
    );
  const first = checkNewPassword(
    await promptHidden(`New password for ${o.who} (at least ${o.minLength} characters): `),
    o.minLength,
  );
  const again = await promptHidden("The same password again: ");
  if (again !== first) throw new UsageError("password: the two entries differ; nothing was changed");
  return { password: first, generated: false };
}
