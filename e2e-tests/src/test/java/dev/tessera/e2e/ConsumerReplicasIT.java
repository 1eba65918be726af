package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.TesseraSystem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What {@code ./tessera up --replicas SERVICE=N} promises of consumers: they share partitions. */
class ConsumerReplicasIT {

  /** The consumer group of orders: the service's name, in every instance. */
  private static final String GROUP = "orders";

  private final TesseraSystem system = WholeSystem.get();

  @Test
  void both_orders_instances_are_assigned_partitions_of_every_topic_orders_consumes() {
    List<String> instances = system.instances("orders").stream().map(AppProcess::id).toList();
    assertThat(instances).as("WholeSystem runs orders twice").hasSize(2);

    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.servers().kafka().bootstrapServers()))) {
      // A rebalance can be under way (an instance just joined, or another test restarted one).
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                ConsumerGroupDescription group =
                    admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
                Map<String, Set<String>> holders = new TreeMap<>(); // topic → instances
                Map<String, Integer> assigned = new TreeMap<>(); // topic → partitions held
                for (MemberDescription member : group.members()) {
                  for (TopicPartition p : member.assignment().topicPartitions()) {
                    holders
                        .computeIfAbsent(p.topic(), t -> new TreeSet<>())
                        .add(instanceOf(member, instances));
                    assigned.merge(p.topic(), 1, Integer::sum);
                  }
                }

                // orders keeps its projection of users and settles orders on payments.
                assertThat(holders).containsKeys("identity.user.events", "billing.payment.events");
                Map<String, TopicDescription> topics =
                    admin.describeTopics(holders.keySet()).allTopicNames().get();
                for (String topic : holders.keySet()) {
                  assertThat(holders.get(topic))
                      .as("instances holding partitions of %s", topic)
                      .containsExactlyInAnyOrderElementsOf(instances);
                  assertThat(assigned.get(topic))
                      .as("partitions of %s held by a member", topic)
                      .isEqualTo(topics.get(topic).partitions().size());
                }
              });
    }
  }

  /**
   * The instance a member runs in: the launcher prefixes each instance's client ids with the
   * instance's id; a member without one stays itself, and fails the test by name.
   */
  private static String instanceOf(MemberDescription member, List<String> instances) {
    return instances.stream()
        .filter(id -> member.clientId().startsWith(id + "-"))
        .findFirst()
        .orElse(member.clientId());
  }
}
