package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

  private final LaunchOptions defaults = LaunchOptions.defaults(Path.of("/repo"));
  private final Services services = Services.discover(Path.of("../..").toAbsolutePath());

  @Test
  void keeps_data_in_the_checkout_and_the_gateway_on_8080() {
    assertThat(defaults.dataDirectory()).isEqualTo(Path.of("/repo/.tessera"));
    assertThat(defaults.gatewayPort()).isEqualTo(8080);
  }

  @Test
  void gives_every_instance_of_every_service_its_own_port() {
    LaunchOptions options = defaults.withReplicas("orders", 3);
    var ports =
        services.domain().stream()
            .flatMap(
                s ->
                    java.util.stream.IntStream.range(0, options.replicasOf(s.name()))
                        .mapToObj(i -> options.portOf(s, i)))
            .toList();
    assertThat(ports).doesNotHaveDuplicates().hasSize(6).doesNotContain(8080, 18025);
  }

  @Test
  void rejects_replicas_of_an_unknown_service_or_out_of_bounds() {
    assertThatThrownBy(
            () -> services.requireKnown(defaults.withReplicas("payments", 2).replicas().keySet()))
        .hasMessageContaining("unknown service payments (known: identity, orders,");
    assertThatThrownBy(() -> defaults.withReplicas("orders", 0)).hasMessageContaining("between 1");
    assertThatThrownBy(() -> defaults.withReplicas("orders", 9)).hasMessageContaining("between 1");
  }

  @Test
  void shards_a_services_data_over_up_to_four_databases_splitting_the_shards_evenly() {
    assertThat(defaults.shardsOf("orders")).isEqualTo(1);
    assertThat(defaults.withShards("orders", 2).shardsOf("orders")).isEqualTo(2);
    assertThatThrownBy(() -> defaults.withShards("orders", 0)).hasMessageContaining("between 1");
    assertThatThrownBy(() -> defaults.withShards("orders", 5)).hasMessageContaining("between 1");

    assertThat(TesseraSystem.evenRange(0, 2)).isEqualTo("0-2047");
    assertThat(TesseraSystem.evenRange(1, 2)).isEqualTo("2048-4095");
    assertThat(TesseraSystem.evenRange(0, 3)).isEqualTo("0-1364");
    assertThat(TesseraSystem.evenRange(2, 3)).isEqualTo("2730-4095");
  }

  @Test
  void finds_each_application_where_maven_builds_it() {
    assertThat(services.byName("gateway").orElseThrow().runner(Path.of("/repo")))
        .isEqualTo(Path.of("/repo/gateway/target/quarkus-app/quarkus-run.jar"));
    assertThat(services.byName("orders").orElseThrow().runner(Path.of("/repo")))
        .isEqualTo(Path.of("/repo/services/orders/target/quarkus-app/quarkus-run.jar"));
    assertThat(services.all()).last().isEqualTo(Services.GATEWAY);
  }
}
