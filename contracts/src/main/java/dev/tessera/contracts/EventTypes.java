package dev.tessera.contracts;

import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.contracts.orders.OrderPlaced;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Registry of every event type. */
public final class EventTypes {

  /** Identity: a user signed up. */
  public static final EventType<UserRegistered> USER_REGISTERED =
      new EventType<>("identity", "user", "UserRegistered", UserRegistered.class);

  /** Identity: a user was suspended. */
  public static final EventType<UserSuspended> USER_SUSPENDED =
      new EventType<>("identity", "user", "UserSuspended", UserSuspended.class);

  /** Identity: a user's suspension was lifted. */
  public static final EventType<UserReinstated> USER_REINSTATED =
      new EventType<>("identity", "user", "UserReinstated", UserReinstated.class);

  /** Orders: an order was placed and awaits payment. */
  public static final EventType<OrderPlaced> ORDER_PLACED =
      new EventType<>("orders", "order", "OrderPlaced", OrderPlaced.class);

  /** Orders: an order was paid and confirmed. */
  public static final EventType<OrderConfirmed> ORDER_CONFIRMED =
      new EventType<>("orders", "order", "OrderConfirmed", OrderConfirmed.class);

  /** Orders: an order was cancelled. */
  public static final EventType<OrderCancelled> ORDER_CANCELLED =
      new EventType<>("orders", "order", "OrderCancelled", OrderCancelled.class);

  /** Billing: an order was charged. */
  public static final EventType<PaymentSucceeded> PAYMENT_SUCCEEDED =
      new EventType<>("billing", "payment", "PaymentSucceeded", PaymentSucceeded.class);

  /** Billing: an order could not be charged. */
  public static final EventType<PaymentFailed> PAYMENT_FAILED =
      new EventType<>("billing", "payment", "PaymentFailed", PaymentFailed.class);

  /** Billing: a payment was refunded. */
  public static final EventType<PaymentRefunded> PAYMENT_REFUNDED =
      new EventType<>("billing", "payment", "PaymentRefunded", PaymentRefunded.class);

  private static final List<EventType<?>> ALL =
      List.of(
          USER_REGISTERED,
          USER_SUSPENDED,
          USER_REINSTATED,
          ORDER_PLACED,
          ORDER_CONFIRMED,
          ORDER_CANCELLED,
          PAYMENT_SUCCEEDED,
          PAYMENT_FAILED,
          PAYMENT_REFUNDED);

  // toUnmodifiableMap throws on a duplicate key: two types with one name or one record would make
  // the eventType header ambiguous, so that fails when the class loads rather than at run time.
  private static final Map<String, EventType<?>> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::name, Function.identity()));
  private static final Map<Class<?>, EventType<?>> BY_JAVA_TYPE =
      ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::javaType, Function.identity()));

  private EventTypes() {}

  /** Every event type, grouped by service. */
  public static List<EventType<?>> all() {
    return ALL;
  }

  /** Every event topic, {@code <service>.<aggregate>.events}, once each. */
  public static SortedSet<String> topics() {
    return ALL.stream().map(EventType::topic).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The services that publish events: those that need an outbox connector. */
  public static SortedSet<String> publishers() {
    return ALL.stream().map(EventType::service).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The event type named by an {@code eventType} header; empty for a name this build does not know,
   * and for a record that came without the header.
   */
  public static Optional<EventType<?>> byName(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The event type carried by {@code javaType}.
   *
   * @throws IllegalArgumentException if the class is not a registered event record
   */
  public static <E extends IntegrationEvent> EventType<E> of(Class<E> javaType) {
    EventType<?> type = BY_JAVA_TYPE.get(Objects.requireNonNull(javaType, "javaType"));
    if (type == null) {
      throw new IllegalArgumentException("Not a registered event type: " + javaType.getName());
    }
    @SuppressWarnings("unchecked") // BY_JAVA_TYPE maps each class to the EventType of that class
    EventType<E> typed = (EventType<E>) type;
    return typed;
  }
}
