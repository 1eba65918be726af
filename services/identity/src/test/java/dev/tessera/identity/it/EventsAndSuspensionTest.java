package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.ADMIN_EMAIL;
import static dev.tessera.identity.it.IdentityApi.ADMIN_PASSWORD;
import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.access;
import static dev.tessera.identity.it.IdentityApi.logIn;
import static dev.tessera.identity.it.IdentityApi.me;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.refresh;
import static dev.tessera.identity.it.IdentityApi.refreshOf;
import static dev.tessera.identity.it.IdentityApi.reinstate;
import static dev.tessera.identity.it.IdentityApi.suspend;
import static dev.tessera.identity.it.IdentityApi.tokens;
import static dev.tessera.testing.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.servers.Servers;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class EventsAndSuspensionTest {

  private static final String TOPIC = "identity.user.events";
  private static final Duration CDC = Duration.ofSeconds(30);

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("identity");
  }

  private static Servers servers() {
    return TesseraServers.shared();
  }

  @Test
  void a_sign_up_publishes_user_registered_keyed_by_the_user_id() {
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      String email = randomEmail();
      String id = newUser(email);

      await().atMost(CDC).until(() -> reader.withKey(id).size() == 1);
      var record = reader.withKey(id).get(0);
      assertThat(header(record, "eventType")).isEqualTo("UserRegistered");
      assertThat(header(record, "id")).isNotBlank();
      UserRegistered event = EventCodec.fromJson(record.value(), UserRegistered.class);
      assertThat(event.userId()).isEqualTo(UUID.fromString(id));
      assertThat(event.email()).isEqualTo(email);
      assertThat(event.displayName()).isEqualTo("Ada Lovelace");
      assertThat(record.value()).doesNotContain("argon2").doesNotContain(PASSWORD);
    }
  }

  @Test
  void an_admin_suspension_kills_the_users_tokens_publishes_user_suspended_and_blocks_log_in() {
    String email = randomEmail();
    String id = newUser(email);
    Map<String, Object> userTokens = tokens(email, PASSWORD);
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));

    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      suspend(admin, id, "chargeback fraud")
          .then()
          .statusCode(200)
          .body("id", equalTo(id))
          .body("status", equalTo("SUSPENDED"));

      me(access(userTokens)).then().statusCode(401);
      refresh(refreshOf(userTokens)).then().statusCode(401);
      logIn(email, PASSWORD)
          .then()
          .statusCode(403)
          .contentType("application/problem+json")
          .body("type", equalTo("https://tessera.dev/problems/user-suspended"));
      // The wrong password is still the generic 401: suspension is not revealed without it.
      logIn(email, "Wrong-Password-99").then().statusCode(401);

      await()
          .atMost(CDC)
          .until(
              () ->
                  reader
                          .matching(
                              r ->
                                  id.equals(r.key())
                                      && "UserSuspended".equals(header(r, "eventType")))
                          .size()
                      == 1);
      var record =
          reader
              .matching(r -> id.equals(r.key()) && "UserSuspended".equals(header(r, "eventType")))
              .get(0);
      UserSuspended event = EventCodec.fromJson(record.value(), UserSuspended.class);
      assertThat(event.userId()).isEqualTo(UUID.fromString(id));
      assertThat(event.reason()).isEqualTo("chargeback fraud");

      // Suspending again changes nothing and publishes nothing more.
      suspend(admin, id, "again").then().statusCode(200);
      String later = newUser(randomEmail());
      await().atMost(CDC).until(() -> reader.withKey(later).size() == 1);
      assertThat(
              reader.matching(
                  r -> id.equals(r.key()) && "UserSuspended".equals(header(r, "eventType"))))
          .hasSize(1);
    }
  }

  @Test
  void a_non_admin_cannot_suspend_anyone() {
    String victim = newUser(randomEmail());
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));

    suspend(token, victim, "because")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    suspend("", victim, "anonymous").then().statusCode(401);
  }

  @Test
  void suspending_an_unknown_user_is_404() {
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));
    suspend(admin, UUID.randomUUID().toString(), "ghost")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void reinstating_a_suspended_user_publishes_UserReinstated_and_lets_them_log_in_again() {
    String email = randomEmail();
    String id = newUser(email);
    Map<String, Object> before = tokens(email, PASSWORD);
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));
    suspend(admin, id, "mistaken identity").then().statusCode(200);

    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      reinstate(admin, id)
          .then()
          .statusCode(200)
          .body("id", equalTo(id))
          .body("status", equalTo("ACTIVE"));

      await().atMost(CDC).until(() -> reader.events(id, "UserReinstated").size() == 1);
      var record = reader.events(id, "UserReinstated").get(0);
      assertThat(header(record, "id")).isNotBlank();
      UserReinstated event = EventCodec.fromJson(record.value(), UserReinstated.class);
      assertThat(event.userId()).isEqualTo(UUID.fromString(id));
      assertThat(event.reinstatedAt()).isNotNull();
    }

    // The tokens the suspension revoked stay revoked; a new log-in gives working ones.
    me(access(before)).then().statusCode(401);
    refresh(refreshOf(before)).then().statusCode(401);
    Map<String, Object> after = tokens(email, PASSWORD);
    me(access(after)).then().statusCode(200).body("id", equalTo(id));
    refresh(refreshOf(after)).then().statusCode(200);
  }

  @Test
  void reinstating_a_user_who_is_not_suspended_changes_nothing_and_publishes_nothing() {
    String email = randomEmail();
    String id = newUser(email);
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));

    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      reinstate(admin, id).then().statusCode(200).body("status", equalTo("ACTIVE"));
      suspend(admin, id, "spam").then().statusCode(200);
      reinstate(admin, id).then().statusCode(200).body("status", equalTo("ACTIVE"));
      // Lifting a lifted suspension changes nothing either.
      reinstate(admin, id).then().statusCode(200).body("status", equalTo("ACTIVE"));

      String later = newUser(randomEmail());
      await().atMost(CDC).until(() -> reader.withKey(later).size() == 1);
      await().atMost(CDC).until(() -> reader.events(id, "UserReinstated").size() == 1);
      assertThat(reader.withKey(id))
          .extracting(r -> header(r, "eventType"))
          .filteredOn(type -> !"UserRegistered".equals(type))
          .containsExactly("UserSuspended", "UserReinstated");
    }
    tokens(email, PASSWORD);
  }

  @Test
  void a_non_admin_cannot_reinstate_anyone() {
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));
    String suspendedEmail = randomEmail();
    String suspended = newUser(suspendedEmail);
    suspend(admin, suspended, "fraud").then().statusCode(200);
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));

    reinstate(token, suspended).then().statusCode(403).contentType("application/problem+json");
    reinstate("", suspended).then().statusCode(401);
    logIn(suspendedEmail, PASSWORD).then().statusCode(403);
  }

  @Test
  void reinstating_an_unknown_user_is_404() {
    String admin = access(tokens(ADMIN_EMAIL, ADMIN_PASSWORD));
    reinstate(admin, UUID.randomUUID().toString())
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
