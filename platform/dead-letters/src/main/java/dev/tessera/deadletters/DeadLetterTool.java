package dev.tessera.deadletters;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The dead-letter command line: {@code list} and {@code replay <dlq-topic>...}. The launcher runs
 * it as {@code ./tessera dlq}; the chart's replay Job runs it from a service image with {@code java
 * -cp '/deployments/lib/main/*' dev.tessera.deadletters.DeadLetterTool replay <topic>}. Kafka
 * client properties come from the environment: {@code KAFKA_BOOTSTRAP_SERVERS}, and any other
 * {@code KAFKA_<PROPERTY>} that names a Kafka client property ({@code KAFKA_SASL_JAAS_CONFIG} is
 * {@code sasl.jaas.config}).
 */
public final class DeadLetterTool {

  private DeadLetterTool() {}

  /** Runs the command in {@code args}; exits non-zero on a usage error or a failure. */
  public static void main(String[] args) {
    try {
      System.exit(run(List.of(args), kafkaFromEnvironment(System.getenv()), System.out));
    } catch (RuntimeException e) {
      System.err.println(
          "dlq: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
      System.exit(1);
    }
  }

  /** Runs {@code list} or {@code replay <topic>...}; returns the exit status. */
  public static int run(List<String> args, Map<String, Object> kafka, PrintStream out) {
    var queues = new DeadLetterQueues(kafka);
    if (args.isEmpty() || args.equals(List.of("list"))) {
      print(queues.list(), out);
      return 0;
    }
    if (args.get(0).equals("replay") && args.size() > 1) {
      for (String topic : args.subList(1, args.size())) {
        int replayed = queues.replay(topic);
        out.printf("%s: re-produced %d record(s) to their original topics%n", topic, replayed);
      }
      return 0;
    }
    out.println("usage: dlq [list] | dlq replay <dlq-topic>...");
    return 2;
  }

  private static void print(Map<String, List<DeadLetter>> topics, PrintStream out) {
    if (topics.isEmpty()) {
      out.println("no dead-letter topics");
    }
    topics.forEach(
        (topic, letters) -> {
          List<DeadLetter> waiting = letters.stream().filter(l -> !l.replayed()).toList();
          out.printf(
              "%s: %d not replayed, %d replayed%n",
              topic, waiting.size(), letters.size() - waiting.size());
          for (DeadLetter l : waiting) {
            out.printf(
                "  %s  from %s  %s %s  key %s%n    reason: %s%n",
                l.position(), l.origin(), l.eventType(), l.eventId(), l.key(), l.reason());
          }
        });
  }

  /** Kafka client properties from {@code KAFKA_*} variables that name one. */
  public static Map<String, Object> kafkaFromEnvironment(Map<String, String> environment) {
    Set<String> known = new HashSet<>(AdminClientConfig.configNames());
    known.addAll(ConsumerConfig.configNames());
    known.addAll(ProducerConfig.configNames());
    Map<String, Object> kafka = new HashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("KAFKA_")) {
            String property = name.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
            if (known.contains(property)) {
              kafka.put(property, value);
            }
          }
        });
    if (!kafka.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set");
    }
    return kafka;
  }
}
