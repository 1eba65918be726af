package dev.tessera.gateway.proxy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who the client is, for per-IP limits and {@code X-Forwarded-For} upstream: the peer of the TCP
 * connection, unless that peer is one of the configured trusted proxies. Then the {@code
 * X-Forwarded-For} hops are read from the right (the hop each proxy appended itself) and the first
 * one that is not a trusted proxy is the client; everything left of it was written by whoever sent
 * the request and proves nothing.
 */
public final class ClientAddress {

  private final List<Cidr> trusted;

  /** Trusts the proxies in {@code cidrs} ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code ::1}). */
  public ClientAddress(List<String> cidrs) {
    this.trusted =
        cidrs.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
  }

  /**
   * The client's address given the connection's {@code peer} and every {@code X-Forwarded-For}
   * header value, in order.
   */
  public String resolve(String peer, List<String> forwardedFor) {
    if (!isTrusted(peer) || forwardedFor.isEmpty()) {
      return peer;
    }
    String client = peer;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] hops = forwardedFor.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (!isLiteral(hop)) {
          // Garbage where an address belongs: the proxy that handed it over is the last hop known.
          return client;
        }
        client = hop;
        if (!isTrusted(hop)) {
          return hop;
        }
      }
    }
    return client;
  }

  /** Whether {@code address} is one of the trusted proxies. */
  public boolean isTrusted(String address) {
    if (trusted.isEmpty() || !isLiteral(address)) {
      return false;
    }
    byte[] bytes = bytes(address);
    return trusted.stream().anyMatch(c -> c.contains(bytes));
  }

  /** An IPv4 or IPv6 literal (never a name: resolving one would be a DNS lookup per request). */
  private static boolean isLiteral(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return false;
    }
    boolean v6 = s.indexOf(':') >= 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          v6
              ? Character.digit(c, 16) >= 0 || c == ':' || c == '.'
              : c == '.' || (c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return v6 || s.chars().filter(c -> c == '.').count() == 3;
  }

  private static byte[] bytes(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      return new byte[0];
    }
  }

  /** One trusted range. */
  private record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      if (!isLiteral(address)) {
        throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
      }
      byte[] network = bytes(address);
      int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
      if (network.length == 0 || prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
      }
      return new Cidr(network, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int bits = network.length * 8;
      BigInteger mask =
          BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
      return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
    }
  }
}
