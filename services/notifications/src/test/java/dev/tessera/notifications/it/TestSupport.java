package dev.tessera.notifications.it;

import static io.restassured.RestAssured.given;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.servers.Servers;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TesseraServers;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the notifications tests share: raw events, direct reads of the database, tokens, mail. */
final class TestSupport {

  static final String SERVICE = "notifications";
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private TestSupport() {}

  static Servers servers() {
    return TesseraServers.shared();
  }

  /** Sends an event as its producer's connector would: key, {@code id} and {@code eventType}. */
  static <E extends IntegrationEvent> void produce(EventType<E> type, UUID eventId, E event) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers().kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      var record =
          new ProducerRecord<>(type.topic(), event.aggregateId(), EventCodec.toJson(event));
      record.headers().add(EventHeaders.ID, eventId.toString().getBytes(StandardCharsets.UTF_8));
      record.headers().add(EventHeaders.EVENT_TYPE, type.name().getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce", e);
    }
  }

  /** A new user with a unique address, and the event that registers them. */
  static UserRegistered newUser(String displayName) {
    UUID userId = UUID.randomUUID();
    return new UserRegistered(userId, userId + "@example.com", displayName, Instant.now());
  }

  /** Messages the SMTP server received for {@code address}. */
  static List<MimeMessage> mailTo(String address) {
    return servers().smtp().receivedMessagesTo(address);
  }

  /** Received messages for {@code address} whose subject contains {@code text}. */
  static List<MimeMessage> mailTo(String address, String subjectText) {
    return mailTo(address).stream().filter(m -> subject(m).contains(subjectText)).toList();
  }

  static String subject(MimeMessage message) {
    try {
      return String.valueOf(message.getSubject());
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request authenticated as {@code userId} with a token signed by the test key. */
  static RequestSpecification as(UUID userId) {
    return given().auth().oauth2(token(userId.toString()));
  }

  static String token(String subject) {
    return Jwt.issuer("tessera-identity")
        .audience("tessera")
        .subject(subject)
        .expiresIn(300)
        .jws()
        .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
        .sign(privateKey());
  }

  private static PrivateKey privateKey() {
    try {
      byte[] der =
          Base64.getDecoder()
              .decode(System.getProperty(NotificationsTestResource.PRIVATE_KEY_PROPERTY));
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (Exception e) {
      throw new IllegalStateException("no test key", e);
    }
  }

  /** Runs a {@code select count(*)} on the service database. */
  static int count(String sql, Object... parameters) {
    return ServiceDatabase.count(sql, parameters);
  }

  /** The first column of the first row, or {@code null}. */
  static Object single(String sql, Object... parameters) {
    return ServiceDatabase.single(sql, parameters);
  }

  /** Runs an insert or update on the service database. */
  static void execute(String sql, Object... parameters) {
    ServiceDatabase.execute(sql, parameters);
  }

  static int notificationsFor(UUID eventId) {
    return count("select count(*) from notification where event_id = ?", eventId);
  }

  static String emailStatus(UUID eventId) {
    return (String) single("select status from email_outbox where event_id = ?", eventId);
  }

  /** Every text part of a message, by content type ({@code text/plain}, {@code text/html}). */
  static Map<String, String> parts(MimeMessage message) {
    Map<String, String> parts = new java.util.HashMap<>();
    try {
      collect(message.getContent(), message.getContentType(), parts);
    } catch (Exception e) {
      throw new IllegalStateException("unreadable message", e);
    }
    return parts;
  }

  private static void collect(Object content, String contentType, Map<String, String> parts)
      throws Exception {
    if (content instanceof jakarta.mail.Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        var part = multipart.getBodyPart(i);
        collect(part.getContent(), part.getContentType(), parts);
      }
    } else if (content instanceof String text) {
      String type = contentType.toLowerCase(java.util.Locale.ROOT);
      parts.merge(type.startsWith("text/html") ? "text/html" : "text/plain", text, String::concat);
    }
  }
}
