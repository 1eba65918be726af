package dev.tessera.gateway.proxy;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.routing.Upstream;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Finds each upstream's instances in DNS: every address an upstream URL's host name resolves to is
 * one instance. Behind a Kubernetes headless Service that is one address per ready pod, so passive
 * health and the circuit breakers act on one pod, and a pod that goes away (its address leaves the
 * Service when it turns unready) stops being picked. Resolved again every {@code
 * discovery.refresh}; a failed lookup keeps the instances found before.
 */
@ApplicationScoped
public class UpstreamDiscovery {

  private static final Logger LOG = Logger.getLogger(UpstreamDiscovery.class);

  /** Resolves a host name to all its addresses. */
  @FunctionalInterface
  public interface Resolver {
    /** Every address of {@code host}. */
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  private final GatewayConfig.Discovery config;
  private final Upstreams upstreams;
  private final Vertx vertx;
  private final Resolver resolver;
  // Services whose last lookup failed: logged once per failure, not on every refresh.
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

  UpstreamDiscovery(GatewayConfig config, Upstreams upstreams, Vertx vertx) {
    this.config = config.discovery();
    this.upstreams = upstreams;
    this.vertx = vertx;
    this.resolver = host -> List.of(InetAddress.getAllByName(host));
  }

  void start(@Observes StartupEvent started) {
    if (!config.enabled()) {
      return;
    }
    refreshAll();
    vertx.setPeriodic(config.refresh().toMillis(), id -> refreshAll());
  }

  private void refreshAll() {
    vertx.executeBlocking(
        () -> {
          upstreams.services().forEach((name, service) -> refresh(name, service.upstream()));
          return null;
        },
        false);
  }

  private void refresh(String name, Upstream upstream) {
    Optional<List<URI>> found = expand(upstream.configured(), resolver);
    if (found.isEmpty()) {
      if (failing.put(name, Boolean.TRUE) == null) {
        LOG.warnf("Cannot resolve the instances of %s: keeping %s", name, upstream.instances());
      }
      return;
    }
    failing.remove(name);
    if (upstream.update(found.get())) {
      upstreams.forgetGone(name);
      LOG.infof("Instances of %s: %s", name, upstream.instances());
    }
  }

  /**
   * Every configured base URL with its host replaced by each of its addresses (an address literal
   * stays as it is); empty when a host name cannot be resolved.
   */
  public static Optional<List<URI>> expand(List<URI> configured, Resolver resolver) {
    List<URI> found = new ArrayList<>();
    for (URI base : configured) {
      List<InetAddress> addresses;
      try {
        addresses = resolver.resolve(base.getHost());
      } catch (UnknownHostException | RuntimeException e) {
        return Optional.empty();
      }
      for (InetAddress address : addresses) {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
          int zone = host.indexOf('%');
          host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        try {
          found.add(
              new URI(base.getScheme(), null, host, base.getPort(), base.getPath(), null, null));
        } catch (URISyntaxException e) {
          return Optional.empty();
        }
      }
    }
    return found.isEmpty() ? Optional.empty() : Optional.of(found);
  }
}
