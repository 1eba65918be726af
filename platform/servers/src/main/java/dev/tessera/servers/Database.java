package dev.tessera.servers;

/**
 * A service's own PostgreSQL database and the one role that owns it.
 *
 * @param name the database name
 * @param owner the owning role: it can log in, use logical replication, and reach no other
 *     service's database
 * @param jdbcUrl {@code jdbc:postgresql://host:port/name}
 * @param reactiveUrl {@code postgresql://host:port/name}, as the Vert.x/Quarkus reactive client
 *     expects it
 */
public record Database(String name, Credentials owner, String jdbcUrl, String reactiveUrl) {}
