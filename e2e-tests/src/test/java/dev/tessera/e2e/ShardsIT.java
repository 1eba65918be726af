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
            ShardsTool.databases(system), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(output);

    assertThat(status).as(output).isZero();
    // Two databases own half the shards each; the user's holds at least this order and user.
    boolean firstHalf = Shards.ofUser(user.userId()) < 2048;
    String held = "\\s+[1-9][0-9,]*\\s+[1-9][0-9,]*$";
    String any = "\\s+[0-9,]+\\s+[0-9,]+$";
    assertThat(output)
        .as(output)
        .containsPattern("(?ms)^orders: .*^  0-2047\\s+OWNED\\s+2,048" + (firstHalf ? held : any))
        .containsPattern(
            "(?ms)^orders2: .*^  2048-4095\\s+OWNED\\s+2,048" + (firstHalf ? any : held))
        .doesNotContain("without a shard");
  }
}
