package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.servers.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event topics the launcher creates, on a broker of the test's own. */
class EventTopicsTest {

  private static LocalKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    Path dir = Files.createTempDirectory(tmp, "kafka-topics-");
    kafka = new LocalKafka(dir, false);
    kafka.start();
  }

  @AfterAll
  static void closeKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void every_instance_the_launcher_can_start_finds_a_partition() {
    assertThat(EventTopics.PARTITIONS).isGreaterThanOrEqualTo(LaunchOptions.MAX_REPLICAS);
  }

  @Test
  void creates_missing_topics_with_the_partitions_and_grows_kept_ones_but_never_shrinks_one()
      throws Exception {
    String missing = "missing-" + UUID.randomUUID();
    String single = "single-" + UUID.randomUUID();
    String wider = "wider-" + UUID.randomUUID();
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(single, Optional.of(1), Optional.empty()),
                  new NewTopic(wider, Optional.of(8), Optional.empty())))
          .all()
          .get();

      List<String> grown =
          EventTopics.ensure(kafka.bootstrapServers(), List.of(missing, single, wider), 6);

      assertThat(grown).containsExactly(single);
      assertThat(partitions(admin, missing, single, wider))
          .containsExactlyInAnyOrderEntriesOf(Map.of(missing, 6, single, 6, wider, 8));
    }
  }

  @Test
  void a_second_start_on_the_same_data_changes_nothing() throws Exception {
    String topic = "again-" + UUID.randomUUID();
    EventTopics.ensure(kafka.bootstrapServers(), List.of(topic), 6);

    assertThat(EventTopics.ensure(kafka.bootstrapServers(), List.of(topic), 6)).isEmpty();
    try (Admin admin = admin()) {
      assertThat(partitions(admin, topic)).containsEntry(topic, 6);
    }
  }

  private static Map<String, Integer> partitions(Admin admin, String... topics) throws Exception {
    return admin.describeTopics(List.of(topics)).allTopicNames().get().values().stream()
        .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }
}
