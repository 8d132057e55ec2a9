import { formatWhen } from "../format.js";
import { Notice } from "./screen.js";

/**
 * The last sync could not reach QuickBooks: the run's own note (what QuickBooks did, after how many
 * tries, how many records wait) and the one thing to do about it. Nothing is an error of a record here:
 * what waits is sent by the next sync, with nothing duplicated.
 */
export function QboUnreachableNotice({
  note,
  at,
  onSyncAgain,
  busy,
}: {
  note: string;
  at: string | null;
  onSyncAgain: () => void;
  busy: boolean;
}) {
  return (
    <Notice tone="bad" title="QuickBooks could not be reached" testId="qbo-unreachable">
      <p>
        {at && `The sync of ${formatWhen(at)} stopped. `}
        {note}
      </p>
      <p>
        Nothing is lost. Try again in a few minutes; if it keeps happening, check Intuit&apos;s status page or
        this server&apos;s internet connection.
      </p>
      <p>
        <button type="button" className="primary" onClick={onSyncAgain} disabled={busy}>
          {busy ? "Starting…" : "Sync again"}
        </button>
      </p>
    </Notice>
  );
}
