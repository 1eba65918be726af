package dev.tessera.servers;

/** A user name and password for a server. */
public record Credentials(String username, String password) {

  @Override
  public String toString() {
    // Keeps passwords out of test reports and logs.
    return "Credentials[username=" + username + ", password=***]";
  }
}
