import type { Kysely } from "kysely";
import { AuditLogStore } from "./audit-log-store.js";
import { MergeHistoryStore } from "./merge-history-store.js";
import { ProblemStore } from "./problem-store.js";
import { QueueStore } from "./queue-store.js";
import { RecordBrowseStore } from "./record-browse-store.js";
import { RecordEditStore } from "./record-edit-store.js";
import { RunHistoryStore } from "./run-history-store.js";
import type { Database } from "./schema.js";
import { SearchStore } from "./search-store.js";

/** The HTTP API's read models and the Errors view's writes, for one company (`store.company(id).api`). */
export class ApiStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  get problems(): ProblemStore {
    return new ProblemStore(this.db, this.companyId);
  }
  get search(): SearchStore {
    return new SearchStore(this.db, this.companyId);
  }
  get queue(): QueueStore {
    return new QueueStore(this.db, this.companyId);
  }
  get runs(): RunHistoryStore {
    return new RunHistoryStore(this.db, this.companyId);
  }
  get audit(): AuditLogStore {
    return new AuditLogStore(this.db, this.companyId);
  }
  get records(): RecordBrowseStore {
    return new RecordBrowseStore(this.db, this.companyId);
  }
  get edits(): RecordEditStore {
    return new RecordEditStore(this.db, this.companyId);
  }
  get merges(): MergeHistoryStore {
    return new MergeHistoryStore(this.db, this.companyId);
  }
}
