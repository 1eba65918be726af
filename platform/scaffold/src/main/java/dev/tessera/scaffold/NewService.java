package dev.tessera.scaffold;

import java.util.List;
import java.util.Optional;

/**
 * What {@code ./tessera new-service} was asked for.
 *
 * @param name the service: a lowercase word, its directory, database, consumer group and path
 *     prefix
 * @param consumes other services' topics it reads, {@code <service>.<aggregate>.events}
 * @param publishes the aggregate whose events it publishes, on {@code <name>.<aggregate>.events};
 *     empty for a service that publishes nothing (its aggregate is then named after it)
 */
public record NewService(String name, List<String> consumes, Optional<String> publishes) {

  public NewService {
    consumes = List.copyOf(consumes);
  }

  /** The aggregate the service stores and serves: the published one, else the service's name. */
  public String aggregate() {
    return publishes.orElse(name);
  }

  /**
   * The request of the command line's arguments after {@code new-service}: {@code <name>
   * [--consumes a.b.events,…] [--publishes <aggregate>]}.
   *
   * @throws InvalidServiceRequest naming what is wrong, with the usage
   */
  public static NewService parse(List<String> args) {
    String name = null;
    List<String> consumes = List.of();
    Optional<String> publishes = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--consumes" -> consumes = List.of(argument(args, ++i, arg).split(",", -1));
        case "--publishes" -> publishes = Optional.of(argument(args, ++i, arg));
        default -> {
          if (arg.startsWith("-") || name != null) {
            throw new InvalidServiceRequest("unexpected argument '" + arg + "'\n" + USAGE);
          }
          name = arg;
        }
      }
    }
    if (name == null) {
      throw new InvalidServiceRequest("no service name given\n" + USAGE);
    }
    return new NewService(name, consumes, publishes);
  }

  /** How the command is called. */
  public static final String USAGE =
      "usage: ./tessera new-service <name> [--consumes <service>.<aggregate>.events,…]"
          + " [--publishes <aggregate>]";

  private static String argument(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("--")) {
      throw new InvalidServiceRequest(option + " needs a value\n" + USAGE);
    }
    return args.get(i);
  }
}
