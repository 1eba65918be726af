package dev.tessera.gateway.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One service's instances, chosen round-robin; an instance that failed is skipped for {@code
 * ejectForNanos} (passive health). When every instance is ejected the one that comes back soonest
 * is tried anyway: refusing everything would turn a blip into an outage.
 *
 * <p>The instances are the configured URLs, or, with discovery ({@link #update}), every address
 * their host names resolve to now: one instance per pod behind a headless Service, so that ejecting
 * one and its circuit breaker act on that pod alone.
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
      String host = base.getHost();
      // An IPv6 literal is bracketed in a URL, not when connecting.
      return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
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
  private final List<URI> configured;
  private volatile List<Instance> instances;
  private final long ejectForNanos;
  private final LongSupplier clock;
  private final AtomicInteger next = new AtomicInteger();

  /** The instances at {@code urls} of {@code service}. */
  public Upstream(String service, List<String> urls, long ejectForNanos, LongSupplier clock) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no instance configured for " + service);
    }
    this.service = service;
    this.configured = urls.stream().map(String::trim).map(URI::create).toList();
    this.instances = configured.stream().map(Instance::new).toList();
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

  /** The base URLs as configured (host names, before any discovery). */
  public List<URI> configured() {
    return configured;
  }

  /**
   * Replaces the instances by {@code bases} (the addresses discovery found now). An instance whose
   * base URL stays keeps its state (ejection), a new one starts healthy, a gone one is dropped. An
   * empty list changes nothing: a failed lookup must not take every instance away.
   *
   * @return whether the set of instances changed
   */
  public synchronized boolean update(List<URI> bases) {
    if (bases.isEmpty()) {
      return false;
    }
    Map<URI, Instance> known = new LinkedHashMap<>();
    instances.forEach(i -> known.put(i.base, i));
    List<Instance> next = new ArrayList<>();
    for (URI base : bases) {
      if (next.stream().noneMatch(i -> i.base.equals(base))) {
        next.add(known.containsKey(base) ? known.get(base) : new Instance(base));
      }
    }
    if (next.size() == instances.size() && instances.containsAll(next)) {
      return false;
    }
    instances = List.copyOf(next);
    return true;
  }

  /** The next healthy instance in turn (or the least recently failed when none is healthy). */
  public Instance pick() {
    List<Instance> instances = this.instances;
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
