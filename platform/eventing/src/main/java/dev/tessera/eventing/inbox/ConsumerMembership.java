package dev.tessera.eventing.inbox;

import dev.tessera.eventing.EventingConfig;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.eclipse.microprofile.config.Config;

/**
 * How every Kafka consumer of a Tessera service joins its group, so that a rollout does not stop
 * every channel (docs/upgrades.md, "Consumers during a rollout"):
 *
 * <ul>
 *   <li>cooperative-sticky assignment: a rebalance moves only the partitions that change hands; the
 *       others keep being consumed, where the eager default revokes every partition of every member
 *       first;
 *   <li>static membership when the instance has an id that survives its restart ({@code
 *       tessera.eventing.instance-id}, e.g. the launcher's {@code orders-2}): the restarted
 *       instance takes its partitions back without a rebalance. A static member does not leave the
 *       group when it stops, so its partitions wait for it up to {@code session-timeout} — which is
 *       why it is not used where ids change on every restart (Kubernetes Deployment pods, KEDA
 *       scale-down).
 * </ul>
 *
 * A channel that sets either property itself keeps its own value.
 */
@ApplicationScoped
public class ConsumerMembership implements ClientCustomizer<Map<String, Object>> {

  private final EventingConfig config;

  ConsumerMembership(EventingConfig config) {
    this.config = config;
  }

  @Override
  public Map<String, Object> customize(
      String channel, Config channelConfig, Map<String, Object> client) {
    if (!client.containsKey(ConsumerConfig.GROUP_ID_CONFIG)
        || !client.containsKey(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)) {
      return client; // a producer (the dead-letter topic's) or an admin client
    }
    Map<String, Object> customized = new HashMap<>(client);
    customized.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    config
        .consumers()
        .instanceId()
        .filter(id -> !id.isBlank())
        .ifPresent(
            id -> {
              // One consumer per channel, several channels per group: the channel makes it unique.
              customized.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id + "-" + channel);
              customized.putIfAbsent(
                  ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                  Long.toString(config.consumers().staticSessionTimeout().toMillis()));
            });
    return customized;
  }
}
