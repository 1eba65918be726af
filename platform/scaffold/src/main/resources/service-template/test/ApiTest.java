package dev.tessera.{{service}}.it;

import static dev.tessera.testing.ProblemAnswers.expectInvalid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
{{#publishes}}
import static org.awaitility.Awaitility.await;
{{/publishes}}
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

{{#publishes}}
import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.{{service}}.{{Aggregate}}Created;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TopicReader;
{{/publishes}}
import dev.tessera.testing.TestTokens;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
{{#publishes}}
import org.junit.jupiter.api.BeforeAll;
{{/publishes}}
import org.junit.jupiter.api.Test;

/** The {{service}} API on a real PostgreSQL{{#publishes}}, Kafka and Kafka Connect + Debezium{{/publishes}}. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "{{service}}"))
@QuarkusTestResource(TestTokens.class)
class {{Aggregate}}ApiTest {

  private static final String PATH = "/api/{{service}}/{{aggregate}}s";
{{#publishes}}

  @BeforeAll
  static void captureOutbox() {
    // The service is ready only once its outbox is captured, as under ./tessera up and the chart.
    OutboxCapture.start("{{service}}");
  }
{{/publishes}}

  @Test
  void a_created_{{aggregate}}_is_read_back_by_its_owner_and_is_a_404_for_anyone_else() {
    UUID owner = UUID.randomUUID();
    String id = create(owner, "My {{aggregate}}");

    as(owner)
        .get(PATH + "/" + id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("name", equalTo("My {{aggregate}}"));
    as(UUID.randomUUID())
        .get(PATH + "/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    as(owner).get(PATH + "/not-an-id").then().statusCode(404);
  }

  @Test
  void the_list_is_the_owners_newest_first_a_page_at_a_time() {
    UUID owner = UUID.randomUUID();
    String first = create(owner, "first");
    String second = create(owner, "second");
    String third = create(owner, "third");
    create(UUID.randomUUID(), "someone else's");

    var page = as(owner).queryParam("limit", 2).get(PATH).then().statusCode(200).extract();
    assertThat(page.<List<String>>path("items.id")).containsExactly(third, second);
    String cursor = page.path("nextCursor");
    as(owner)
        .queryParam("limit", 2)
        .queryParam("cursor", cursor)
        .get(PATH)
        .then()
        .statusCode(200)
        .body("items.id", equalTo(List.of(first)))
        .body("nextCursor", nullValue());
  }

  @Test
  void bad_input_is_a_400_problem_naming_the_field_and_stores_nothing() {
    UUID owner = UUID.randomUUID();
    expectInvalid(post(owner, "{\"name\":\"\"}"), "name");
    expectInvalid(post(owner, "{\"name\":\"" + "x".repeat(201) + "\"}"), "name");
    expectInvalid(post(owner, "{\"name\":\"bell\\u0007\"}"), "name");
    post(owner, "not json").statusCode(400).contentType("application/problem+json");
    post(owner, "").statusCode(400).contentType("application/problem+json");
    expectInvalid(as(owner).queryParam("limit", 0).get(PATH).then(), "limit");
    expectInvalid(as(owner).queryParam("cursor", "forged").get(PATH).then(), "cursor");

    as(owner).get(PATH).then().statusCode(200).body("items", equalTo(List.of()));
  }

  @Test
  void without_a_valid_token_every_call_is_a_401_problem() {
    given().get(PATH).then().statusCode(401).contentType("application/problem+json");
    given()
        .auth()
        .oauth2("not.a.token")
        .contentType(ContentType.JSON)
        .body("{\"name\":\"x\"}")
        .post(PATH)
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(TestTokens.sign("not-a-user-id", "tessera-identity", "tessera", Duration.ofMinutes(5)))
        .get(PATH)
        .then()
        .statusCode(401);
  }
{{#publishes}}

  @Test
  void creating_publishes_{{Aggregate}}Created_keyed_by_its_id_through_the_outbox() {
    UUID owner = UUID.randomUUID();
    try (var reader =
        new TopicReader(TesseraServers.shared().kafka().bootstrapServers(), "{{eventTopic}}")) {
      String id = create(owner, "published");

      var records =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> reader.events(id, "{{Aggregate}}Created"), found -> !found.isEmpty());
      assertThat(records).hasSize(1);
      var event = EventCodec.fromJson(records.get(0).value(), {{Aggregate}}Created.class);
      assertThat(event.{{aggregate}}Id()).hasToString(id);
      assertThat(event.userId()).isEqualTo(owner);
      assertThat(event.name()).isEqualTo("published");
      assertThat(TopicReader.header(records.get(0), EventHeaders.ID)).isNotBlank();
    }
  }
{{/publishes}}

  private static RequestSpecification as(UUID userId) {
    return given().auth().oauth2(TestTokens.forUser(userId));
  }

  private static ValidatableResponse post(UUID userId, String body) {
    return as(userId).contentType(ContentType.JSON).body(body).post(PATH).then();
  }

  private static String create(UUID owner, String name) {
    return post(owner, "{\"name\":\"" + name + "\"}")
        .statusCode(201)
        .header("Location", startsWith(PATH + "/"))
        .extract()
        .path("id");
  }
}
