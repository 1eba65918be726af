package dev.tessera.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the event topics of the contracts with several partitions before any service or connector
 * uses them, so that the instances of a consumer share the partitions as they do in a cluster.
 *
 * <p>The broker of {@code platform/servers} creates a topic on first use with one partition, which
 * keeps the module tests small and quick; with one partition, a second instance of a consumer would
 * get nothing to do. Dead-letter topics are left to that default: the Helm chart gives them one
 * partition too.
 */
final class EventTopics {

  /**
   * Partitions of each event topic: the Helm chart's {@code topics.partitions}, so that a key lands
   * on the same partition number here as in a cluster, and at least {@link
   * LaunchOptions#MAX_REPLICAS}, so that no instance the launcher can start sits idle. Each
   * partition costs the local broker a few open files and little else.
   */
  static final int PARTITIONS = 6;

  private static final Duration SERVED_TIMEOUT = Duration.ofSeconds(30);

  private EventTopics() {}

  /**
   * Creates the {@code topics} that do not exist with {@code partitions} partitions, and grows to
   * that number those that exist with fewer (data kept from an earlier run, or from before the
   * launcher created the topics); never shrinks one.
   *
   * <p>Growing moves some keys to another partition, which could reorder an aggregate's events that
   * were still unconsumed when the system last stopped against its new ones. It happens once per
   * data directory, before any service runs; {@code ./tessera reset} avoids it altogether.
   *
   * @return the topics it grew, for the launcher to say so
   */
  static List<String> ensure(String bootstrapServers, Collection<String> topics, int partitions) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t))
              // The broker's default replication factor: 1 on the local single broker.
              .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
      List<String> kept = topics.stream().filter(existing::contains).toList();
      Map<String, NewPartitions> grow = new LinkedHashMap<>();
      if (!kept.isEmpty()) {
        for (TopicDescription d : admin.describeTopics(kept).allTopicNames().get().values()) {
          if (d.partitions().size() < partitions) {
            grow.put(d.name(), NewPartitions.increaseTo(partitions));
          }
        }
      }
      if (!grow.isEmpty()) {
        admin.createPartitions(grow).all().get();
      }
      if (!missing.isEmpty() || !grow.isEmpty()) {
        awaitServed(admin, topics, partitions);
      }
      return new ArrayList<>(grow.keySet());
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not create the event topics " + topics + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the event topics", e);
    }
  }

  /**
   * Waits until the broker's metadata shows the new partitions. The admin calls complete once the
   * controller has them, a moment before the broker serves them: a consumer that asked in between
   * would be assigned the old partitions only, until its next metadata refresh (minutes).
   */
  private static void awaitServed(Admin admin, Collection<String> topics, int partitions)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + SERVED_TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(topics).allTopicNames().get();
        if (described.values().stream().allMatch(d -> d.partitions().size() >= partitions)) {
          return;
        }
      } catch (ExecutionException e) {
        // For that moment, the broker does not know a new topic at all.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the broker does not serve " + partitions + " partitions of " + topics + " yet");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
