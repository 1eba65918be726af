package dev.tessera.gateway.routing;

/**
 * Where a request goes and how it is treated.
 *
 * @param service the upstream service ({@code identity}, {@code orders}, …)
 * @param group the route group for rate limits and metrics ({@code auth} or the service)
 * @param isPublic whether it passes without a token
 */
public record Route(String service, String group, boolean isPublic) {}
