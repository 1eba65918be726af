package dev.tessera.testing;

import dev.tessera.servers.Kafka;
import dev.tessera.servers.KafkaConnect;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Redis;
import dev.tessera.servers.Servers;
import dev.tessera.servers.Smtp;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that gives plain tests the JVM's shared servers:
 * {@code @ExtendWith(TesseraServersExtension.class)}, then a parameter of type {@link Servers},
 * {@link Postgres}, {@link Kafka}, {@link KafkaConnect}, {@link Redis} or {@link Smtp} in a
 * constructor, lifecycle method or test method.
 *
 * <p>The servers start before the first such test class and stop when the whole run ends, through
 * the root context's store — not after each class, which would restart them for every class.
 */
public final class TesseraServersExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TesseraServersExtension.class);
  private static final Set<Class<?>> RESOLVED =
      Set.of(
          Servers.class, Postgres.class, Kafka.class, KafkaConnect.class, Redis.class, Smtp.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    servers(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return RESOLVED.contains(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Servers servers = servers(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == Postgres.class) {
      return servers.postgres();
    } else if (type == Kafka.class) {
      return servers.kafka();
    } else if (type == KafkaConnect.class) {
      return servers.connect();
    } else if (type == Redis.class) {
      return servers.redis();
    } else if (type == Smtp.class) {
      return servers.smtp();
    }
    return servers;
  }

  private static Servers servers(ExtensionContext context) {
    Servers servers = TesseraServers.shared();
    // JUnit closes AutoCloseable values of the root store once, when the whole run ends.
    context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(StopAtEndOfRun.class, type -> new StopAtEndOfRun(), StopAtEndOfRun.class);
    return servers;
  }

  /** Stops the shared servers when JUnit closes the root context. */
  private static final class StopAtEndOfRun implements AutoCloseable {
    @Override
    public void close() {
      TesseraServers.closeShared();
    }
  }
}
