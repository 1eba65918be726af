package dev.tessera.eventing.it;

import dev.tessera.eventing.outbox.OutboxSweep;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Duration;

/** Runs one outbox sweep on request: the test application schedules none (OutboxTest). */
@Path("/outbox-sweeps")
public class OutboxSweepResource {

  private final OutboxSweep sweep;

  OutboxSweepResource(OutboxSweep sweep) {
    this.sweep = sweep;
  }

  /**
   * How many rows the sweep deleted; fails after 10 s rather than hang a test on a sweep that waits
   * for a lock.
   */
  @POST
  public Uni<Integer> sweep() {
    return sweep.sweep().ifNoItem().after(Duration.ofSeconds(10)).fail();
  }
}
