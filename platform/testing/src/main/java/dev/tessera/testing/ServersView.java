package dev.tessera.testing;

import dev.tessera.servers.Credentials;
import dev.tessera.servers.Kafka;
import dev.tessera.servers.KafkaConnect;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Redis;
import dev.tessera.servers.Restartable;
import dev.tessera.servers.Servers;
import dev.tessera.servers.Smtp;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The shared servers as seen from a class loader other than the one that started them: the same
 * interfaces, built from the endpoints in {@link SharedServersRegistry#handle()}.
 */
final class ServersView implements Servers {

  private final Postgres postgres;
  private final Kafka kafka;
  private final KafkaConnect connect;
  private final Redis redis;
  private final Smtp smtp;

  ServersView(Map<String, Object> h) {
    this.postgres = new PostgresView(h);
    this.kafka = new KafkaView(h);
    this.connect = new ConnectView(h);
    this.redis = new RedisView(h);
    this.smtp = new SmtpView(h);
  }

  @Override
  public Postgres postgres() {
    return postgres;
  }

  @Override
  public Kafka kafka() {
    return kafka;
  }

  @Override
  public KafkaConnect connect() {
    return connect;
  }

  @Override
  public Redis redis() {
    return redis;
  }

  @Override
  public Smtp smtp() {
    return smtp;
  }

  /** Does nothing: the servers belong to the registry and stop at the end of the run. */
  @Override
  public void close() {}

  /** Stop and start through the owner's {@link Restartable}, where it has one. */
  private abstract static class Lifecycle implements Restartable {
    private final Runnable stop;
    private final Runnable start;
    private final Runnable kill;
    private final String directory;
    private final String what;

    Lifecycle(Map<String, Object> h, String prefix) {
      this.stop = (Runnable) h.get(prefix + ".stop");
      this.start = (Runnable) h.get(prefix + ".start");
      this.kill = (Runnable) h.get(prefix + ".kill");
      this.directory = (String) h.get(prefix + ".directory");
      this.what = prefix + " (" + h.get("infra") + ")";
    }

    @Override
    public void kill() {
      require(kill).run();
    }

    @Override
    public Optional<Path> dataDirectory() {
      return Optional.ofNullable(directory).map(Path::of);
    }

    @Override
    public void stop() {
      require(stop).run();
    }

    @Override
    public void start() {
      require(start).run();
    }

    private Runnable require(Runnable action) {
      if (action == null) {
        throw new UnsupportedOperationException(what + " cannot be stopped and restarted");
      }
      return action;
    }
  }

  private static final class PostgresView extends Lifecycle implements Postgres {
    private final String host;
    private final int port;
    private final String hostForConnect;
    private final int portForConnect;
    private final Credentials superuser;

    PostgresView(Map<String, Object> h) {
      super(h, "postgres");
      host = (String) h.get("postgres.host");
      port = (Integer) h.get("postgres.port");
      hostForConnect = (String) h.get("postgres.hostForConnect");
      portForConnect = (Integer) h.get("postgres.portForConnect");
      superuser =
          new Credentials(
              (String) h.get("postgres.superuser"), (String) h.get("postgres.superuserPassword"));
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public Credentials superuser() {
      return superuser;
    }

    @Override
    public String hostForConnect() {
      return hostForConnect;
    }

    @Override
    public int portForConnect() {
      return portForConnect;
    }
  }

  private static final class KafkaView extends Lifecycle implements Kafka {
    private final String bootstrapServers;

    KafkaView(Map<String, Object> h) {
      super(h, "kafka");
      bootstrapServers = (String) h.get("kafka.bootstrapServers");
    }

    @Override
    public String bootstrapServers() {
      return bootstrapServers;
    }
  }

  private static final class ConnectView extends Lifecycle implements KafkaConnect {
    private final String restUrl;

    ConnectView(Map<String, Object> h) {
      super(h, "connect");
      restUrl = (String) h.get("connect.restUrl");
    }

    @Override
    public String restUrl() {
      return restUrl;
    }
  }

  private static final class RedisView extends Lifecycle implements Redis {
    private final String host;
    private final int port;

    RedisView(Map<String, Object> h) {
      super(h, "redis");
      host = (String) h.get("redis.host");
      port = (Integer) h.get("redis.port");
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public int port() {
      return port;
    }
  }

  private static final class SmtpView implements Smtp {
    private final String host;
    private final int port;
    private final Supplier<List<byte[]>> messages;

    @SuppressWarnings("unchecked")
    SmtpView(Map<String, Object> h) {
      host = (String) h.get("smtp.host");
      port = (Integer) h.get("smtp.port");
      messages = (Supplier<List<byte[]>>) h.get("smtp.messages");
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public List<MimeMessage> receivedMessages() {
      Session session = Session.getInstance(new Properties());
      return messages.get().stream().map(bytes -> parse(session, bytes)).toList();
    }

    private static MimeMessage parse(Session session, byte[] bytes) {
      try {
        return new MimeMessage(session, new ByteArrayInputStream(bytes));
      } catch (MessagingException e) {
        throw new IllegalStateException("unreadable message", e);
      }
    }
  }
}
