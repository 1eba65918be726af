package dev.tessera.gateway.routing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One service's instances, chosen round-robin; an instance that failed is skipped for {@code
 * ejectForNanos} (passive health). When every instance is ejected the one that comes back soonest
 * is tried anyway: refusing everything would turn a blip into an outage.
 */
public final class Upstream {

  /** One instance of the service. */
  public static final class Instance {
    private final URI base;
    private volatile long ejectedUntil;
    private volatile boolean ejected;

    Instance(URI base) {
      this.base = base;
    }

    /** Its base URL. */
    public URI base() {
      return base;
    }

    /** Host to connect to. */
    public String host() {
      return base.getHost();
    }

    /** Port to connect to. */
    public int port() {
      return base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
    }

    /** Whether to use TLS. */
    public boolean ssl() {
      return "https".equals(base.getScheme());
    }

    @Override
    public String toString() {
      return base.toString();
    }
  }

  private final String service;
  private final List<Instance> instances;
  private final long ejectForNanos;
  private final LongSupplier clock;
  private final AtomicInteger next = new AtomicInteger();

  /** The instances at {@code urls} of {@code service}. */
  public Upstream(String service, List<String> urls, long ejectForNanos, LongSupplier clock) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no instance configured for " + service);
    }
    this.service = service;
    this.instances = urls.stream().map(String::trim).map(URI::create).map(Instance::new).toList();
    this.ejectForNanos = ejectForNanos;
    this.clock = clock;
  }

  /** The service name. */
  public String service() {
    return service;
  }

  /** Every instance, healthy or not. */
  public List<Instance> instances() {
    return instances;
  }

  /** The next healthy instance in turn (or the least recently failed when none is healthy). */
  public Instance pick() {
    int size = instances.size();
    int start = Math.floorMod(next.getAndIncrement(), size);
    long now = clock.getAsLong();
    Instance soonest = null;
    for (int i = 0; i < size; i++) {
      Instance candidate = instances.get((start + i) % size);
      if (!candidate.ejected || now - candidate.ejectedUntil >= 0) {
        return candidate;
      }
      if (soonest == null || candidate.ejectedUntil - soonest.ejectedUntil < 0) {
        soonest = candidate;
      }
    }
    return soonest;
  }

  /** Skips {@code instance} for a while: it refused a connection or timed out. */
  public void failed(Instance instance) {
    failed(instance, ejectForNanos);
  }

  /** Skips {@code instance} for {@code nanos} (e.g. while its circuit is open). */
  public void failed(Instance instance, long nanos) {
    instance.ejectedUntil = clock.getAsLong() + nanos;
    instance.ejected = true;
  }

  /** Whether {@code instance} is currently skipped. */
  public boolean isEjected(Instance instance) {
    return instance.ejected && clock.getAsLong() - instance.ejectedUntil < 0;
  }
}
