package io.skiff.store;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import io.skiff.SkiffSettings;

/**
 * One {@link Database} per ActorSystem: created (and the schema migrated) on first use, closed
 * when the system terminates.
 */
public final class DatabaseExtension implements Extension {
  private static final Id ID = new Id();
  private final Database database;

  private DatabaseExtension(ActorSystem<?> system) {
    this.database = Database.create(system, SkiffSettings.create(system));
    try {
      database.migrate();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    system.getWhenTerminated().thenRun(database::close);
  }

  public static Database get(ActorSystem<?> system) {
    return ID.apply(system).database;
  }

  private static final class Id extends ExtensionId<DatabaseExtension> {
    @Override
    public DatabaseExtension createExtension(ActorSystem<?> system) {
      return new DatabaseExtension(system);
    }
  }
}
