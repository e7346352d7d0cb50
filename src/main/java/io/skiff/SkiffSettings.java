package io.skiff;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** Typed view of the {@code skiff} config section, read once at start. */
public record SkiffSettings(
    String platformDomain,
    String platformVersion,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    Duration dbSocketTimeout,
    Duration dbStatementTimeout,
    String apiHost,
    int apiPort,
    Duration askTimeout,
    long maxBodySize,
    String registrationMode,
    int pbkdf2Iterations,
    List<String> reservedAppNames,
    String builderKey,
    Duration tokenLifetime) {

  public static SkiffSettings create(ActorSystem<?> system) {
    return fromConfig(system.settings().config());
  }

  public static SkiffSettings fromConfig(Config root) {
    Config c = root.getConfig("skiff");
    return new SkiffSettings(
        c.getString("platform-domain"),
        c.getString("platform-version"),
        c.getString("db.url"),
        c.getString("db.user"),
        c.getString("db.password"),
        c.getInt("db.pool-size"),
        c.getDuration("db.socket-timeout"),
        c.getDuration("db.statement-timeout"),
        c.getString("api.host"),
        c.getInt("api.port"),
        c.getDuration("api.ask-timeout"),
        c.getBytes("api.max-body-size"),
        c.getString("security.registration-mode"),
        c.getInt("security.pbkdf2-iterations"),
        c.getStringList("security.reserved-app-names"),
        c.getString("security.builder-key"),
        c.getDuration("security.token-lifetime"));
  }

  /** Never print credentials. */
  @Override
  public String toString() {
    return "SkiffSettings[domain=" + platformDomain + ", db=" + dbUrl + ", api=" + apiHost + ":" + apiPort + "]";
  }
}
