import type { Kysely, Migration } from "kysely";

/**
 * A console user whose password someone else chose (an admin's temporary password, a reset, a generated
 * first admin) must choose their own before the console lets them do anything else. Existing users are
 * not marked: nobody can tell now who chose their password, and locking every current user into a
 * password change on upgrade would surprise them.
 */
export const userMustChangePassword: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("users")
      .addColumn("must_change_password", "boolean", (c) => c.notNull().defaultTo(false))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("users").dropColumn("must_change_password").execute();
  },
};
