package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.ShardsTool;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.sharding.ShardedIds;
import dev.tessera.sharding.Shards;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Orders' logical shards on the running system (docs/sharding.md), as {@code ./tessera shards}. */
class ShardsIT {

  private final TesseraSystem system = WholeSystem.get();

  @Test
  void an_order_names_its_users_shard_and_tessera_shards_counts_it_in_the_range_that_owns_it() {
    GatewayClient gateway = new GatewayClient(system.gatewayUrl());
    Session user = gateway.signUpAndLogIn("Shards");
    UUID orderId = UUID.fromString(gateway.placeOrderOfTheFirstProduct(user));
    assertThat(ShardedIds.shardOf(orderId)).isEqualTo(Shards.ofUser(user.userId()));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        ShardsTool.run(
            "postgresql://127.0.0.1:" + system.servers().postgres().port(),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(output);

    assertThat(status).as(output).isZero();
    // One database owns every shard, and holds at least this order and this user.
    assertThat(output)
        .as(output)
        .containsPattern("(?m)^  0-4095\\s+OWNED\\s+4,096\\s+[1-9][0-9,]*\\s+[1-9][0-9,]*$")
        .doesNotContain("without a shard");
  }
}
