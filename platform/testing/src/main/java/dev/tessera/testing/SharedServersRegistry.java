package dev.tessera.testing;

import dev.tessera.servers.Restartable;
import dev.tessera.servers.Servers;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Holder of the JVM's shared servers. Used through the system class loader only (see {@link
 * TesseraServers#shared()}); not meant to be called by tests.
 */
public final class SharedServersRegistry {

  private static Servers servers;
  private static Map<String, Object> handle;

  private SharedServersRegistry() {}

  /** The shared servers, started on first call. */
  public static synchronized Servers servers() {
    if (servers == null) {
      servers = inOwnClassLoader(TesseraServers::startNew);
      handle = Map.copyOf(describe(servers));
    }
    return servers;
  }

  /**
   * The shared servers described with JDK types only (strings, numbers, {@link Runnable}, {@link
   * Supplier}), which any class loader can use.
   */
  public static synchronized Map<String, Object> handle() {
    servers();
    return handle;
  }

  /** Stops the shared servers, if they run. */
  public static synchronized void close() {
    if (servers != null) {
      try {
        servers.close();
      } finally {
        servers = null;
        handle = null;
      }
    }
  }

  private static Map<String, Object> describe(Servers s) {
    Map<String, Object> h = new HashMap<>();
    h.put("infra", TesseraServers.infra());
    h.put("postgres.host", s.postgres().host());
    h.put("postgres.port", s.postgres().port());
    h.put("postgres.hostForConnect", s.postgres().hostForConnect());
    h.put("postgres.portForConnect", s.postgres().portForConnect());
    h.put("postgres.superuser", s.postgres().superuser().username());
    h.put("postgres.superuserPassword", s.postgres().superuser().password());
    h.put("kafka.bootstrapServers", s.kafka().bootstrapServers());
    h.put("connect.restUrl", s.connect().restUrl());
    h.put("redis.host", s.redis().host());
    h.put("redis.port", s.redis().port());
    h.put("smtp.host", s.smtp().host());
    h.put("smtp.port", s.smtp().port());
    h.put("smtp.messages", (Supplier<List<byte[]>>) () -> rawMessages(s));
    lifecycle(h, "postgres", s.postgres());
    lifecycle(h, "kafka", s.kafka());
    lifecycle(h, "connect", s.connect());
    lifecycle(h, "redis", s.redis());
    return h;
  }

  private static void lifecycle(Map<String, Object> h, String prefix, Object server) {
    if (server instanceof Restartable r) {
      h.put(prefix + ".stop", (Runnable) () -> inOwnClassLoader(r::stop));
      h.put(prefix + ".start", (Runnable) () -> inOwnClassLoader(r::start));
      h.put(prefix + ".kill", (Runnable) () -> inOwnClassLoader(r::kill));
      r.dataDirectory().ifPresent(d -> h.put(prefix + ".directory", d.toString()));
    }
  }

  /**
   * Runs {@code action} with this class's loader as the thread's context loader. Kafka clients load
   * plugins (metrics reporters, serializers) through the context loader; under a Quarkus test that
   * is the application's loader, whose Kafka classes differ from the ones here.
   */
  private static <T> T inOwnClassLoader(Supplier<T> action) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(SharedServersRegistry.class.getClassLoader());
    try {
      return action.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static void inOwnClassLoader(Runnable action) {
    inOwnClassLoader(
        () -> {
          action.run();
          return null;
        });
  }

  private static List<byte[]> rawMessages(Servers s) {
    return s.smtp().receivedMessages().stream().map(SharedServersRegistry::toBytes).toList();
  }

  private static byte[] toBytes(MimeMessage message) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      message.writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException("unreadable message", e);
    }
  }

  private static Map<String, Object> replicaPair;

  /** The JVM's {@link ReplicaPair}, described with JDK types; started on first call. */
  public static synchronized Map<String, Object> replicaPair() {
    if (replicaPair == null) {
      replicaPair = ReplicaPair.startNew();
    }
    return replicaPair;
  }
}
