package dev.tessera.testing;

import dev.tessera.servers.Database;
import dev.tessera.servers.Servers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quarkus test resource that points a service at the JVM's shared servers and gives it a database
 * and role of its own.
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = TesseraTestResource.class,
 *     initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = "orders"))
 * class OrderResourceTest { ... }
 * }</pre>
 *
 * <p>Init args: {@value #SERVICE} (required), {@value #DATABASE} and {@value #USERNAME} (default:
 * the service name, with {@code -} as {@code _}), {@value #PASSWORD} (default {@code
 * <username>-local}), {@value #CALLBACK} (a {@link ServiceResourceCallback} class name). The
 * resource registers no connector itself; a callback does that.
 *
 * <p>A test field of type {@link Servers} is injected with the shared servers.
 */
public class TesseraTestResource implements QuarkusTestResourceLifecycleManager {

  /** Init arg: the service's name, e.g. {@code orders}. */
  public static final String SERVICE = "service";

  /** Init arg: the database name; default: the service name. */
  public static final String DATABASE = "database";

  /** Init arg: the database role; default: the service name. */
  public static final String USERNAME = "username";

  /** Init arg: the role's password; default: {@code <username>-local}. */
  public static final String PASSWORD = "password";

  /** Init arg: class name of a {@link ServiceResourceCallback} to run once the database exists. */
  public static final String CALLBACK = "callback";

  private String service;
  private String database;
  private String username;
  private String password;
  private String callback;
  private Servers servers;

  @Override
  public void init(Map<String, String> initArgs) {
    service = initArgs.get(SERVICE);
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException(
          "TesseraTestResource needs @ResourceArg(name = \"service\", value = \"<service>\")");
    }
    String plain = service.replace('-', '_');
    database = initArgs.getOrDefault(DATABASE, plain);
    username = initArgs.getOrDefault(USERNAME, plain);
    password = initArgs.getOrDefault(PASSWORD, username + "-local");
    callback = initArgs.get(CALLBACK);
  }

  @Override
  public Map<String, String> start() {
    servers = TesseraServers.shared();
    Database db = servers.postgres().createDatabase(database, username, password);
    Map<String, String> config = new LinkedHashMap<>(config(servers, db));
    if (callback != null) {
      config.putAll(newCallback().serversReady(service, servers, db));
    }
    return config;
  }

  /** The configuration that points a Quarkus service at {@code servers} and {@code db}. */
  public static Map<String, String> config(Servers servers, Database db) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.datasource.reactive.url", db.reactiveUrl());
    config.put("quarkus.datasource.jdbc.url", db.jdbcUrl());
    config.put("quarkus.datasource.username", db.owner().username());
    config.put("quarkus.datasource.password", db.owner().password());
    config.put("kafka.bootstrap.servers", servers.kafka().bootstrapServers());
    config.put("quarkus.redis.hosts", servers.redis().uri());
    config.put("quarkus.mailer.host", servers.smtp().host());
    config.put("quarkus.mailer.port", Integer.toString(servers.smtp().port()));
    config.put("quarkus.mailer.mock", "false");
    // Dev Services would try to start containers; the servers above replace them.
    config.put("quarkus.devservices.enabled", "false");
    return config;
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(servers, new TestInjector.MatchesType(Servers.class));
  }

  /** Leaves the servers running: other test classes of this JVM share them. */
  @Override
  public void stop() {}

  private ServiceResourceCallback newCallback() {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      return (ServiceResourceCallback)
          Class.forName(callback, true, loader != null ? loader : getClass().getClassLoader())
              .getConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "callback "
              + callback
              + " must be a ServiceResourceCallback with a public no-arg"
              + " constructor",
          e);
    }
  }
}
