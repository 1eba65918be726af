package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.access;
import static dev.tessera.identity.it.IdentityApi.changePassword;
import static dev.tessera.identity.it.IdentityApi.logOut;
import static dev.tessera.identity.it.IdentityApi.me;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.refresh;
import static dev.tessera.identity.it.IdentityApi.refreshOf;
import static dev.tessera.identity.it.IdentityApi.tokens;
import static dev.tessera.identity.it.TokensAndProfileTest.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.servers.Restartable;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Revocation as the gateway relies on it (issue 13, finding 7): whole sessions, entries that
 * outlive the clock skew, a message on every write, and revocations that survive a Redis that lost
 * its data.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class RevocationTest {

  /** The clock skew verifiers accept ({@code tessera.revocation.clock-skew}). */
  private static final long SKEW = 30;

  @Inject RedisDataSource redis;

  @Test
  void log_out_revokes_every_access_token_of_the_session() {
    String email = randomEmail();
    newUser(email);
    Map<String, Object> first = tokens(email, PASSWORD);
    Map<String, Object> second =
        refresh(refreshOf(first)).then().statusCode(200).extract().jsonPath().getMap("");
    Object sid = claims(access(first)).get("sid");
    assertThat(claims(access(second)).get("sid")).isNotNull().isEqualTo(sid);
    me(access(second)).then().statusCode(200);

    logOut(access(first)).then().statusCode(204);

    me(access(first)).then().statusCode(401);
    me(access(second)).then().statusCode(401);
    refresh(refreshOf(second)).then().statusCode(401);
  }

  @Test
  void every_revocation_entry_lives_until_the_latest_exp_it_covers_plus_the_clock_skew() {
    String email = randomEmail();
    String id = newUser(email);
    Map<String, Object> session = tokens(email, PASSWORD);
    Map<String, Object> claims = claims(access(session));
    long exp = ((Number) claims.get("exp")).longValue();

    logOut(access(session)).then().statusCode(204);
    long now = Instant.now().getEpochSecond();
    // A token is accepted until exp + skew: its entries must be there at least that long.
    assertThat(redis.key().ttl("revoked:jti:" + claims.get("jti")))
        .isGreaterThanOrEqualTo(exp + SKEW - now - 1);
    assertThat(redis.key().ttl("revoked:sid:" + claims.get("sid")))
        .isGreaterThanOrEqualTo(exp + SKEW - now - 1);

    String other = access(tokens(email, PASSWORD));
    long otherExp = ((Number) claims(other).get("exp")).longValue();
    changePassword(other, PASSWORD, "Brand-New-Secret-7").then().statusCode(204);
    long afterChange = Instant.now().getEpochSecond();
    assertThat(redis.key().ttl("revoked:user:" + id))
        .isGreaterThanOrEqualTo(otherExp + SKEW - afterChange - 1);
  }

  @Test
  void every_revocation_is_published_for_the_gateways() {
    List<String> received = new CopyOnWriteArrayList<>();
    PubSubCommands.RedisSubscriber subscriber =
        redis.pubsub(String.class).subscribe("tessera:revocations", received::add);
    try {
      String email = randomEmail();
      String id = newUser(email);
      Map<String, Object> claims = claims(access(tokens(email, PASSWORD)));
      String token = access(tokens(email, PASSWORD));
      Map<String, Object> logOutClaims = claims(token);

      logOut(token).then().statusCode(204);
      String other = access(tokens(email, PASSWORD));
      changePassword(other, PASSWORD, "Brand-New-Secret-7").then().statusCode(204);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(received)
                      .contains("jti:" + logOutClaims.get("jti"), "sid:" + logOutClaims.get("sid"))
                      .anyMatch(m -> m.startsWith("user:" + id + ":")));
      assertThat(received).doesNotContain("sid:" + claims.get("sid"));
    } finally {
      subscriber.unsubscribe();
    }
  }

  @Test
  void a_revocation_lost_in_a_crash_of_redis_is_put_back() throws Exception {
    Restartable server = TesseraServers.restartable(TesseraServers.shared().redis());
    assumeTrue(
        server.dataDirectory().isPresent(), "needs the local Redis and its append-only file");
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));
    Object sid = claims(token).get("sid");
    await().atMost(Duration.ofSeconds(30)).until(() -> redis.key().exists("revocations:seeded"));
    Path aof = appendOnlyFile(server.dataDirectory().orElseThrow());
    long before = Files.size(aof);

    logOut(token).then().statusCode(204);
    assertThat(redis.key().exists("revoked:sid:" + sid)).isTrue();
    // A crash of Redis' node: the log-out's writes were never synced to disk, while everything
    // before them (revocations:seeded included) was.
    server.kill();
    try (FileChannel file = FileChannel.open(aof, StandardOpenOption.WRITE)) {
      file.truncate(before);
    }
    server.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(redis.key().exists("revoked:sid:" + sid)).isTrue());
    me(token).then().statusCode(401);
  }

  /** The file Redis appends to: {@code appendonly.aof} (6.x) or the newest incremental one (7+). */
  private static Path appendOnlyFile(Path directory) throws IOException {
    Path single = directory.resolve("appendonly.aof");
    if (Files.exists(single)) {
      return single;
    }
    try (Stream<Path> files = Files.list(directory.resolve("appendonlydir"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".incr.aof"))
          .max(Comparator.comparing(f -> f.getFileName().toString()))
          .orElseThrow();
    }
  }

  @Test
  void a_revocation_survives_a_redis_that_lost_its_data() {
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));
    Object sid = claims(token).get("sid");
    logOut(token).then().statusCode(204);
    assertThat(redis.key().exists("revocations:seeded")).isTrue();

    Restartable server = TesseraServers.restartable(TesseraServers.shared().redis());
    server.stop();
    server.start();
    // Whatever the local server's persistence, this Redis has lost everything.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              redis.flushall();
              return true;
            });

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(redis.key().exists("revocations:seeded")).isTrue();
              assertThat(redis.key().exists("revoked:sid:" + sid)).isTrue();
            });
    me(token).then().statusCode(401);
  }
}
