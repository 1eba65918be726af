package dev.tessera.shardmover;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.sharding.Shards;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves a range of the orders data's logical shards from the database that owns it to another,
 * online (docs/sharding.md, ADR 0006): the target subscribes to a row-filtered publication of the
 * range on the source, and once it has caught up, a write fence on the source stops the range's
 * writes for as long as it takes the subscription and the source's outbox connector to pass the
 * cut-over position; then the target owns the range and the source's copy is deleted.
 *
 * <p>Every step can be run again: a move that stopped is picked up from what the databases show
 * (leases, publication, subscription), and {@link MoveRefusedException} says what to clean up where
 * it cannot be.
 */
public final class ShardMover {

  /** The tables that carry a {@code shard} column and move with their range. */
  public static final List<String> TABLES =
      List.of("orders", "idempotency_key", "user_projection", "inbox", "parked_event");

  /** Deleting the source's copy: keys before the orders they reference. */
  private static final List<String> DELETE_ORDER =
      List.of("idempotency_key", "orders", "user_projection", "inbox", "parked_event");

  /** The advisory lock space of shards (orders V6): the lock's first key, the shard its second. */
  public static final int LOCK_SPACE = 7406;

  private static final Duration POLL = Duration.ofMillis(25);
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  private static final String DEADLOCK = "40P01";
  private static final System.Logger LOG = System.getLogger(ShardMover.class.getName());

  private final Options options;
  private final MoveListener listener;

  /** A mover with these options, telling {@code listener} of each phase. */
  public ShardMover(Options options, MoveListener listener) {
    this.options = options;
    this.listener = listener;
  }

  /**
   * The name of a move's publication on the source, its subscription on the target and the
   * subscription's slot on the source's server.
   */
  public static String moveName(int first, int last) {
    return "tessera_move_" + first + "_" + last;
  }

  /**
   * Moves shards {@code first} to {@code last} to the database named {@code target}, from the one
   * of {@code databases} whose leases own them; {@code databases} are every orders database (the
   * target included), so that no shard of the range can be owned twice unseen.
   *
   * @throws MoveRefusedException when the databases are not in a state to move from; nothing was
   *     changed
   * @throws MoveFailedException when a phase failed; its message says what state it left
   */
  public MoveReport move(List<Database> databases, int first, int last, String target) {
    Shards.check(first);
    Shards.check(last);
    if (last < first) {
      throw new IllegalArgumentException(
          "The shard range " + first + "-" + last + " ends before it starts.");
    }
    Map<String, Database> byName = new LinkedHashMap<>();
    for (Database database : databases) {
      if (byName.put(database.name(), database) != null) {
        throw new IllegalArgumentException("two databases are named " + database.name());
      }
    }
    if (!byName.containsKey(target)) {
      throw new MoveRefusedException(
          "no database named " + target + " (known: " + String.join(", ", byName.keySet()) + ")");
    }
    return new Run(byName, first, last, byName.get(target)).execute();
  }

  /** Where a move starts from, as the databases show it. */
  private enum Start {
    /** Nothing of the move exists yet, or only what can be redone (a publication, a slot). */
    FRESH,
    /** The target receives the range and its subscription is healthy: wait for it. */
    COPYING,
    /** The target receives the range from a broken or missing subscription: copy again. */
    RECOPY,
    /** The fence committed (source MOVED, target RECEIVING): wait for cut-over and own it. */
    FENCED,
    /** The target owns the range; the source still has the move's publication or rows. */
    OWNED,
    /** The target owns the range and nothing of the move is left. */
    DONE
  }

  /** A shard's lease in one database. */
  private record Lease(String state, long epoch) {}

  @FunctionalInterface
  private interface Step {
    String run() throws SQLException;
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws SQLException;
  }

  /** One move: its databases, connections and what it measured. */
  private final class Run {

    private final Map<String, Database> databases;
    private final int first;
    private final int last;
    private final int size;
    private final Database target;
    private final String name;
    private final long started = System.nanoTime();
    private final List<MoveReport.PhaseTiming> phases = new ArrayList<>();
    private Database source;
    private Map<Integer, Lease> sourceLeases = Map.of();
    private long fenceRequested;
    private Connection src;
    private Connection dst;
    private Start start;
    private Duration writePause = Duration.ZERO;
    private Duration lockWait = Duration.ZERO;
    private String cutoverLsn;
    private List<String> published = List.of();
    private Map<String, MoveReport.TableDigest> verified = Map.of();
    private long rowsDeleted;

    Run(Map<String, Database> databases, int first, int last, Database target) {
      this.databases = databases;
      this.first = first;
      this.last = last;
      this.size = last - first + 1;
      this.target = target;
      this.name = moveName(first, last);
    }

    MoveReport execute() {
      phase(Phase.PRECONDITIONS, this::preconditions);
      try {
        if (start != Start.DONE) {
          src = open(source);
          dst = open(target);
        }
        switch (start) {
          case FRESH, COPYING, RECOPY -> {
            copy();
            fence();
            cutOver();
            cleanUp();
          }
          case FENCED -> {
            phase(
                Phase.FENCED,
                () -> {
                  published = List.copyOf(publishedTables(src));
                  cutoverLsn = currentLsn(src);
                  // The fence's own position is lost with the run that took it; the current one
                  // is later, so waiting for it waits for at least as much.
                  return "resumed after an earlier fence; cut-over taken as the source's current"
                      + " position "
                      + cutoverLsn;
                });
            cutOver();
            cleanUp();
          }
          case OWNED -> cleanUp();
          case DONE -> {}
        }
        phase(Phase.DONE, () -> "shards " + first + "-" + last + " are owned by " + target.name());
      } finally {
        close(src);
        close(dst);
      }
      return new MoveReport(
          first,
          last,
          source == null ? null : source.name(),
          target.name(),
          switch (start) {
            case FRESH -> null;
            case COPYING, RECOPY -> Phase.SUBSCRIBED;
            case FENCED -> Phase.FENCED;
            case OWNED -> Phase.OWNED;
            case DONE -> Phase.DONE;
          },
          List.copyOf(phases),
          writePause,
          lockWait,
          cutoverLsn,
          published,
          verified,
          rowsDeleted,
          options.unsafe(),
          Duration.ofNanos(System.nanoTime() - started));
    }

    // ---------------------------------------------------------------- preconditions

    private String preconditions() throws SQLException {
      Map<String, Set<String>> versions = new LinkedHashMap<>();
      Map<String, Map<Integer, Lease>> leases = new LinkedHashMap<>();
      for (Database database : databases.values()) {
        try (Connection c = database.connect()) {
          Set<String> migrated = migrations(c);
          versions.put(database.name(), migrated);
          leases.put(database.name(), migrated.isEmpty() ? Map.of() : leases(c));
        } catch (SQLException e) {
          throw new MoveRefusedException(
              "cannot read the leases of " + database + ": " + e.getMessage());
        }
      }
      if (versions.get(target.name()).isEmpty()) {
        throw new MoveRefusedException(
            "the target "
                + target.name()
                + " is not migrated (no flyway_schema_history): create it owning no shards"
                + " (alter database ... set tessera.owned_shards = '') and run the migrations"
                + " first");
      }

      SortedSet<Integer> ownedByTarget = new TreeSet<>();
      SortedSet<Integer> ownedByNone = new TreeSet<>();
      Map<Integer, List<String>> ownedTwice = new TreeMap<>();
      Map<String, SortedSet<Integer>> ownedByOther = new TreeMap<>();
      for (int shard = first; shard <= last; shard++) {
        List<String> owners = new ArrayList<>();
        for (var entry : leases.entrySet()) {
          Lease lease = entry.getValue().get(shard);
          if (lease != null && lease.state().equals("OWNED")) {
            owners.add(entry.getKey());
          }
        }
        if (owners.size() > 1) {
          ownedTwice.put(shard, owners);
        }
        if (owners.isEmpty()) {
          ownedByNone.add(shard);
        }
        for (String owner : owners) {
          if (owner.equals(target.name())) {
            ownedByTarget.add(shard);
          } else {
            ownedByOther.computeIfAbsent(owner, o -> new TreeSet<>()).add(shard);
          }
        }
      }
      if (!ownedTwice.isEmpty()) {
        Map<String, SortedSet<Integer>> byOwners = new TreeMap<>();
        ownedTwice.forEach(
            (shard, owners) ->
                byOwners
                    .computeIfAbsent(String.join(" and ", owners), o -> new TreeSet<>())
                    .add(shard));
        List<String> parts = new ArrayList<>();
        byOwners.forEach((owners, shards) -> parts.add(describe(shards) + " in " + owners));
        throw new MoveRefusedException(
            "shards of "
                + first
                + "-"
                + last
                + " are OWNED by more than one database ("
                + String.join("; ", parts)
                + "): the leases must be repaired by hand before anything moves");
      }

      if (ownedByTarget.size() == size) {
        return planAfterOwned(leases);
      }
      if (!ownedByTarget.isEmpty()) {
        throw new MoveRefusedException(
            "the target "
                + target.name()
                + " already owns "
                + describe(ownedByTarget)
                + " of "
                + first
                + "-"
                + last
                + ": move only shards it does not own");
      }
      if (ownedByNone.size() == size) {
        return planAfterFence(leases, versions);
      }
      if (ownedByOther.size() > 1) {
        List<String> parts = new ArrayList<>();
        ownedByOther.forEach((db, shards) -> parts.add(describe(shards) + " in " + db));
        throw new MoveRefusedException(
            "shards "
                + first
                + "-"
                + last
                + " are not owned by one database ("
                + String.join("; ", parts)
                + "): move each database's part on its own");
      }
      if (!ownedByNone.isEmpty()) {
        throw new MoveRefusedException(
            describe(ownedByNone)
                + " of "
                + first
                + "-"
                + last
                + " are owned by no database (a move of them stopped after its fence?): finish"
                + " that move first");
      }
      source = databases.get(ownedByOther.keySet().iterator().next());
      sourceLeases = leases.get(source.name());
      checkSameSchema(versions);

      Map<Integer, Lease> targetLeases = leases.get(target.name());
      SortedSet<Integer> receiving = new TreeSet<>();
      for (int shard = first; shard <= last; shard++) {
        Lease lease = targetLeases.get(shard);
        if (lease != null && lease.state().equals("RECEIVING")) {
          receiving.add(shard);
        }
      }
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        checkPrivileges(s, t);
        if (awaitsOutbox()) {
          checkOutboxSlot(s);
        }
        boolean subscribed = subscriptionExists(t);
        Boolean enabled = subscribed ? subscriptionEnabled(t) : null;
        Map<String, Long> targetRows = rowCounts(t);
        long rowsOnTarget = targetRows.values().stream().mapToLong(Long::longValue).sum();
        if (receiving.size() == size) {
          start = subscribed && Boolean.TRUE.equals(enabled) ? Start.COPYING : Start.RECOPY;
        } else if (!receiving.isEmpty()) {
          // Some RECEIVING, some not: only a move of an overlapping range leaves that.
          throw new MoveRefusedException(
              "the target "
                  + target.name()
                  + " receives "
                  + describe(receiving)
                  + " but not the rest of "
                  + first
                  + "-"
                  + last
                  + ": another move of an overlapping range is under way or stopped; finish it"
                  + " (or drop its subscription and delete its leases) first");
        } else if (subscribed) {
          throw new MoveRefusedException(
              "the target "
                  + target.name()
                  + " has a subscription "
                  + name
                  + " but does not receive the range: drop it there (drop subscription "
                  + name
                  + ") first");
        } else if (rowsOnTarget > 0) {
          throw new MoveRefusedException(
              "the target "
                  + target.name()
                  + " holds rows of "
                  + first
                  + "-"
                  + last
                  + " though it does not own or receive them ("
                  + targetRows
                  + "), left over from an earlier move: delete them there first (delete from"
                  + " <table> where shard between "
                  + first
                  + " and "
                  + last
                  + ", keys before orders)");
        } else {
          start = Start.FRESH;
        }
      }
      return "source "
          + source.name()
          + " owns "
          + first
          + "-"
          + last
          + "; target "
          + target.name()
          + (start == Start.FRESH ? " owns none of it" : " receives it already (" + start + ")")
          + "; both at schema "
          + latest(versions.get(target.name()));
    }

    /** The target owns the range: a move that stopped while cleaning up, or one long done. */
    private String planAfterOwned(Map<String, Map<Integer, Lease>> leases) throws SQLException {
      List<Database> leftovers = new ArrayList<>();
      for (Database database : databases.values()) {
        if (database == target || leases.get(database.name()).isEmpty()) {
          continue;
        }
        try (Connection c = database.connect()) {
          boolean rows = rowCounts(c).values().stream().anyMatch(n -> n > 0);
          if (publicationExists(c) || rows) {
            leftovers.add(database);
          }
        }
      }
      boolean subscribed;
      try (Connection t = target.connect()) {
        subscribed = subscriptionExists(t);
      }
      if (leftovers.size() > 1) {
        throw new MoveRefusedException(
            "the target "
                + target.name()
                + " owns "
                + first
                + "-"
                + last
                + ", and "
                + leftovers
                + " all still hold rows or the publication "
                + name
                + " of it: clean up each by hand");
      }
      if (leftovers.isEmpty()) {
        if (subscribed) {
          throw new MoveRefusedException(
              "the target owns "
                  + first
                  + "-"
                  + last
                  + " but still has the subscription "
                  + name
                  + " and no source shows the move: drop it there (drop subscription "
                  + name
                  + ")");
        }
        start = Start.DONE;
        return "the target " + target.name() + " owns " + first + "-" + last + " already";
      }
      source = leftovers.get(0);
      start = Start.OWNED;
      return "the target "
          + target.name()
          + " owns "
          + first
          + "-"
          + last
          + "; cleaning up what an earlier run left on "
          + source.name();
    }

    /** No database owns the range: a move that stopped between its fence and the target owning. */
    private String planAfterFence(
        Map<String, Map<Integer, Lease>> leases, Map<String, Set<String>> versions)
        throws SQLException {
      Map<Integer, Lease> targetLeases = leases.get(target.name());
      for (int shard = first; shard <= last; shard++) {
        Lease lease = targetLeases.get(shard);
        if (lease == null || !lease.state().equals("RECEIVING")) {
          throw new MoveRefusedException(
              "no database owns "
                  + first
                  + "-"
                  + last
                  + " and the target "
                  + target.name()
                  + " does not receive shard "
                  + shard
                  + ": this is not a move to "
                  + target.name()
                  + " that can be continued; repair the leases by hand");
        }
      }
      for (Database database : databases.values()) {
        if (database == target || leases.get(database.name()).isEmpty()) {
          continue;
        }
        boolean allMoved = true;
        for (int shard = first; shard <= last && allMoved; shard++) {
          Lease lease = leases.get(database.name()).get(shard);
          allMoved = lease != null && lease.state().equals("MOVED");
        }
        if (!allMoved) {
          continue;
        }
        try (Connection c = database.connect()) {
          if (publicationExists(c)) {
            source = database;
          }
        }
      }
      if (source == null) {
        throw new MoveRefusedException(
            "no database owns "
                + first
                + "-"
                + last
                + " and none has the publication "
                + name
                + " with the range MOVED: repair the leases by hand");
      }
      checkSameSchema(versions);
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        checkPrivileges(s, t);
        if (awaitsOutbox()) {
          checkOutboxSlot(s);
        }
        if (!subscriptionExists(t) || !Boolean.TRUE.equals(subscriptionEnabled(t))) {
          throw new MoveRefusedException(
              "the source "
                  + source.name()
                  + " has fenced "
                  + first
                  + "-"
                  + last
                  + " but the target's subscription "
                  + name
                  + " is missing or disabled: give the range back to the source (update"
                  + " shard_lease set state = 'OWNED', epoch = epoch + 1 where shard between "
                  + first
                  + " and "
                  + last
                  + " there) and run the move again");
        }
      }
      start = Start.FENCED;
      return "resuming: the source "
          + source.name()
          + " fenced "
          + first
          + "-"
          + last
          + " and the target "
          + target.name()
          + " receives it";
    }

    private void checkSameSchema(Map<String, Set<String>> versions) {
      Set<String> sourceVersions = versions.get(source.name());
      Set<String> targetVersions = versions.get(target.name());
      if (!sourceVersions.equals(targetVersions)) {
        Set<String> missing = new TreeSet<>(sourceVersions);
        missing.removeAll(targetVersions);
        Set<String> extra = new TreeSet<>(targetVersions);
        extra.removeAll(sourceVersions);
        throw new MoveRefusedException(
            "the target "
                + target.name()
                + " is not migrated like the source "
                + source.name()
                + " (source at "
                + latest(sourceVersions)
                + ", target at "
                + latest(targetVersions)
                + (missing.isEmpty() ? "" : "; target lacks " + missing)
                + (extra.isEmpty() ? "" : "; target has " + extra + " that the source lacks")
                + "): run the same release's migrations on both first");
      }
    }

    private void checkPrivileges(Connection s, Connection t) throws SQLException {
      if (!"logical".equals(queryString(s, "select current_setting('wal_level')"))) {
        throw new MoveRefusedException(
            "the source " + source.name() + " does not run with wal_level = logical");
      }
      if (!queryBoolean(
          s, "select rolreplication or rolsuper from pg_roles where rolname = current_user")) {
        throw new MoveRefusedException(
            "the role "
                + source.username()
                + " has no REPLICATION on the source "
                + source.name()
                + ": the target's subscription connects as it (alter role ... replication)");
      }
      if (!queryBoolean(
          t,
          "select (select rolsuper from pg_roles where rolname = current_user)"
              + " or (pg_has_role(current_user, 'pg_create_subscription', 'MEMBER')"
              + " and has_database_privilege(current_database(), 'CREATE'))")) {
        throw new MoveRefusedException(
            "the role "
                + target.username()
                + " cannot create a subscription on the target "
                + target.name()
                + ": grant pg_create_subscription to it (and CREATE on the database)");
      }
    }

    private void checkOutboxSlot(Connection s) throws SQLException {
      String slot = outboxSlot();
      try (PreparedStatement p =
          s.prepareStatement(
              "select 1 from pg_replication_slots where slot_name = ?"
                  + " and database = current_database()")) {
        p.setString(1, slot);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw new MoveRefusedException(
                "the source "
                    + source.name()
                    + " has no outbox connector slot "
                    + slot
                    + ": the move waits for it to pass the cut-over, so that the source's events"
                    + " of the range reach Kafka before the target's; start the service (it"
                    + " creates the slot) and its connector first");
          }
        }
      }
    }

    // ---------------------------------------------------------------- copy

    private void copy() {
      phase(
          Phase.RECEIVING,
          () -> {
            // Epochs grow across the databases too: each of the target's leases is newer than the
            // source's, so whichever lease of a shard is newest names its latest state.
            Integer[] shards = new Integer[size];
            Long[] epochs = new Long[size];
            for (int i = 0; i < size; i++) {
              shards[i] = first + i;
              Lease lease = sourceLeases.get(first + i);
              epochs[i] = lease == null ? 0 : lease.epoch();
            }
            try (PreparedStatement p =
                dst.prepareStatement(
                    "insert into shard_lease as l (shard, state, epoch, changed_at)"
                        + " select s, 'RECEIVING', e + 1, now() from unnest(?::int[], ?::bigint[])"
                        + " as u(s, e) on conflict (shard) do update set state = 'RECEIVING',"
                        + " epoch = greatest(l.epoch, excluded.epoch - 1) + 1, changed_at = now()"
                        + " where l.state <> 'RECEIVING'")) {
              p.setArray(1, dst.createArrayOf("int4", shards));
              p.setArray(2, dst.createArrayOf("int8", epochs));
              return p.executeUpdate() + " leases of the target set RECEIVING";
            }
          });
      phase(Phase.PUBLISHED, this::publish);
      phase(Phase.SUBSCRIBED, this::subscribe);
      phase(
          Phase.COPIED,
          () -> {
            await(
                "the initial copy of the range",
                options.copyTimeout(),
                () -> {
                  try (PreparedStatement p =
                      dst.prepareStatement(
                          "select count(*), count(*) filter (where r.srsubstate = 'r')"
                              + " from pg_subscription s join pg_subscription_rel r"
                              + " on r.srsubid = s.oid where s.subname = ?"
                              + " and s.subdbid = (select oid from pg_database"
                              + " where datname = current_database())")) {
                    p.setString(1, name);
                    try (ResultSet r = p.executeQuery()) {
                      r.next();
                      return r.getLong(1) > 0 && r.getLong(1) == r.getLong(2);
                    }
                  }
                });
            return rowCounts(dst) + " rows on the target";
          });
      phase(
          Phase.CAUGHT_UP,
          () -> {
            String lsn = currentLsn(src);
            awaitApplied(lsn, options.copyTimeout());
            return "applied past " + lsn;
          });
      phase(Phase.VERIFIED_BEFORE_FENCE, this::verifyBeforeFence);
    }

    private String publish() throws SQLException {
      published = new ArrayList<>(TABLES);
      if (options.unsafe().contains(Options.Unsafe.PUBLISH_OUTBOX)) {
        published.add("outbox");
      }
      published = List.copyOf(published);
      // PostgreSQL refuses an UPDATE or DELETE of a table published with a row filter on columns
      // outside its replica identity, and `shard` is in no table's key (nullable, so no unique
      // index over it can be the identity either). REPLICA IDENTITY FULL puts every column in the
      // identity while the range moves; the price is the whole old row in the WAL of each update
      // and delete of these tables (every shard's) until UNPUBLISHED restores the default. The
      // subscriber still finds rows by its primary key. Set before the publication exists, so no
      // write ever meets the filter without it.
      List<String> changed = new ArrayList<>();
      for (String table : TABLES) {
        if (!"f".equals(replicaIdentity(src, table))) {
          alterWithLockTimeout("alter table " + table + " replica identity full");
          changed.add(table);
        }
      }
      if (publicationExists(src)) {
        if (start == Start.COPYING && publishedTables(src).equals(new TreeSet<>(published))) {
          return "publication " + name + " exists already with " + published;
        }
        // Not in use by a healthy subscription: made again, so it is exactly this move's.
        sql(src, "drop publication " + name);
      }
      String filter = " where (shard between " + first + " and " + last + ")";
      StringBuilder tables = new StringBuilder();
      for (String table : TABLES) {
        tables.append(tables.isEmpty() ? "" : ", ").append(table).append(filter);
      }
      if (published.contains("outbox")) {
        // The negative control: the outbox has no shard column, so it can only go whole.
        tables.append(", outbox");
      }
      // No TRUNCATE: a truncate of a table on the source would empty the target's whole table.
      sql(
          src,
          "create publication "
              + name
              + " for table "
              + tables
              + " with (publish = 'insert, update, delete')");
      return "publication "
          + name
          + " of "
          + published
          + (changed.isEmpty() ? "" : "; replica identity FULL on " + changed);
    }

    private String subscribe() throws SQLException {
      if (start == Start.COPYING) {
        return "subscription " + name + " exists already";
      }
      List<String> done = new ArrayList<>();
      if (subscriptionExists(dst)) {
        sql(dst, "drop subscription " + name);
        done.add("dropped the broken subscription of an earlier run");
      }
      long stale = 0;
      for (String table : DELETE_ORDER) {
        stale += deleteRange(dst, table);
      }
      if (stale > 0) {
        done.add("deleted " + stale + " rows an earlier run had copied");
      }
      // A slot of an earlier run whose subscription is gone (dropped without its slot).
      try (PreparedStatement p =
          src.prepareStatement(
              "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                  + " where slot_name = ? and not active")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            done.add("dropped the slot of an earlier run");
          }
        }
      }
      // Runs as the target's role: it needs pg_create_subscription (PostgreSQL 16+) and CREATE on
      // the database, or superuser. disable_on_error: a conflict stops the subscription, which the
      // waits below see, instead of retrying for ever.
      sql(
          dst,
          "create subscription "
              + name
              + " connection '"
              + source.conninfo().replace("'", "''")
              + "' publication "
              + name
              + " with (copy_data = true, create_slot = true, slot_name = '"
              + name
              + "', disable_on_error = true, streaming = off)");
      done.add("subscription " + name + " to " + source.name() + " created, copying");
      return String.join("; ", done);
    }

    private String verifyBeforeFence() throws SQLException {
      // While writes run, the two sides are never read at one instant, so a shard written between
      // the two reads differs; compared shard by shard, the rest must agree. A shard that keeps
      // differing is logged, not fatal: the check after the fence, with writes stopped, counts.
      long deadline = System.nanoTime() + options.verifyBeforeFenceTimeout().toNanos();
      int attempts = 0;
      while (true) {
        attempts++;
        Map<Integer, String> before = shardDigests(src);
        awaitApplied(currentLsn(src), options.copyTimeout());
        Map<Integer, String> after = shardDigests(dst);
        Set<Integer> shards = new TreeSet<>(before.keySet());
        shards.addAll(after.keySet());
        SortedSet<Integer> differing = new TreeSet<>();
        for (int shard : shards) {
          if (!java.util.Objects.equals(before.get(shard), after.get(shard))) {
            differing.add(shard);
          }
        }
        if (differing.isEmpty()) {
          return "all " + shards.size() + " shards with rows agree (attempt " + attempts + ")";
        }
        if (System.nanoTime() - deadline >= 0) {
          LOG.log(
              Level.WARNING,
              "shard move {0}: before the fence, {1} differed between the databases (written"
                  + " meanwhile?); checked again after the fence",
              name,
              describe(differing));
          return (shards.size() - differing.size())
              + " of "
              + shards.size()
              + " shards with rows agree; "
              + describe(differing)
              + " differed while written (checked again after the fence)";
        }
      }
    }

    /** Per shard of the range, a digest of its rows in every moved table. */
    private Map<Integer, String> shardDigests(Connection c) throws SQLException {
      Map<Integer, String> digests = new TreeMap<>();
      for (String table : TABLES) {
        try (PreparedStatement p =
            c.prepareStatement(
                "select shard, count(*), sum(hashtextextended(t::text, "
                    + LOCK_SPACE
                    + "))::text from "
                    + table
                    + " t where t.shard between ? and ? group by shard")) {
          p.setInt(1, first);
          p.setInt(2, last);
          try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
              digests.merge(
                  r.getInt(1), table + ":" + r.getLong(2) + ":" + r.getString(3), String::concat);
            }
          }
        }
      }
      return digests;
    }

    // ---------------------------------------------------------------- fence and cut-over

    private void fence() {
      if (options.unsafe().contains(Options.Unsafe.SKIP_WRITE_FENCE)) {
        phase(
            Phase.FENCED,
            () -> {
              fenceRequested = System.nanoTime();
              int moved = setLeases(src, "OWNED", "MOVED");
              cutoverLsn = currentLsn(src);
              return "UNSAFE: no fence; " + moved + " leases of the source flipped to MOVED";
            });
        return;
      }
      phase(Phase.FENCED, this::takeFence);
    }

    private String takeFence() throws SQLException {
      for (int attempt = 1; ; attempt++) {
        long requested = System.nanoTime();
        src.setAutoCommit(false);
        try (Statement s = src.createStatement()) {
          s.execute("set local lock_timeout = '" + options.lockTimeout().toMillis() + "ms'");
          // Orders V6/V7: every insert or update of a user's row holds the shared lock of its
          // shard until it commits. The exclusive locks wait for those in flight, and new ones
          // queue behind them until the leases below are MOVED, which the fence then refuses.
          try (ResultSet r =
              s.executeQuery(
                  "select pg_advisory_xact_lock("
                      + LOCK_SPACE
                      + ", shard) from generate_series("
                      + first
                      + ", "
                      + last
                      + ") shard")) {
            while (r.next()) {
              // Every row is a lock taken, in shard order.
            }
          }
          long locked = System.nanoTime();
          int moved = setLeases(src, "OWNED", "MOVED");
          if (moved != size) {
            src.rollback();
            throw new MoveFailedException(
                Phase.FENCED,
                "only "
                    + moved
                    + " of "
                    + size
                    + " source leases were OWNED at the fence: something else changed them;"
                    + " nothing was changed",
                null);
          }
          src.commit();
          fenceRequested = requested;
          lockWait = Duration.ofNanos(locked - requested);
          cutoverLsn = currentLsn(src);
          return "source leases MOVED after waiting "
              + lockWait.toMillis()
              + " ms for writes in flight; cut-over at "
              + cutoverLsn
              + (attempt > 1 ? " (attempt " + attempt + ")" : "");
        } catch (SQLException e) {
          src.rollback();
          boolean retry =
              (LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || DEADLOCK.equals(e.getSQLState()))
                  && attempt < 3;
          if (!retry) {
            throw e;
          }
          LOG.log(
              Level.WARNING,
              "shard move {0}: the fence did not get its locks ({1}); trying again",
              name,
              e.getMessage());
        } finally {
          src.setAutoCommit(true);
        }
      }
    }

    private void cutOver() {
      boolean unsafe = options.unsafe().contains(Options.Unsafe.SKIP_WRITE_FENCE);
      if (!unsafe) {
        try {
          phase(
              Phase.REPLICATED_PAST_CUTOVER,
              () -> {
                awaitApplied(cutoverLsn, options.cutoverTimeout());
                return "the subscription applied past " + cutoverLsn;
              });
          if (awaitsOutbox()) {
            phase(
                Phase.OUTBOX_PAST_CUTOVER,
                () -> {
                  String slot = outboxSlot();
                  // Debezium confirms a position only once it has read a change at or after it;
                  // with no event in the range's wake that would be its next heartbeat (10 s).
                  // Running the heartbeat's own write now hands it one past the cut-over.
                  sql(src, OutboxConnector.HEARTBEAT_QUERY);
                  await(
                      "the outbox connector slot " + slot + " to confirm " + cutoverLsn,
                      options.cutoverTimeout(),
                      () -> slotConfirmed(slot, cutoverLsn));
                  return "slot " + slot + " confirmed past " + cutoverLsn;
                });
          } else {
            LOG.log(
                Level.WARNING,
                "shard move {0}: not waiting for an outbox connector (none configured)",
                name);
          }
          phase(
              Phase.VERIFIED_AFTER_FENCE,
              () -> {
                Map<String, MoveReport.TableDigest> onSource = digests(src);
                Map<String, MoveReport.TableDigest> onTarget = digests(dst);
                if (!onSource.equals(onTarget)) {
                  throw new IllegalStateException(
                      "the range differs after the fence: source "
                          + onSource
                          + ", target "
                          + onTarget);
                }
                verified = Map.copyOf(onTarget);
                return "equal: " + rowsOf(onTarget);
              });
        } catch (MoveFailedException e) {
          giveBack(e);
        }
      }
      try {
        phase(Phase.OWNED, this::own);
      } catch (MoveFailedException e) {
        if (unsafe) {
          throw e;
        }
        giveBack(e);
      }
    }

    private String own() throws SQLException {
      dst.setAutoCommit(false);
      try {
        int owned = setLeases(dst, "RECEIVING", "OWNED");
        if (owned != size) {
          dst.rollback();
          throw new IllegalStateException(
              "only " + owned + " of " + size + " target leases were RECEIVING");
        }
        dst.commit();
      } catch (SQLException | RuntimeException e) {
        dst.rollback();
        throw e;
      } finally {
        dst.setAutoCommit(true);
      }
      // Zero for a run resumed after an earlier fence: that run's pause was not measured whole.
      if (fenceRequested != 0) {
        writePause = Duration.ofNanos(System.nanoTime() - fenceRequested);
      }
      return size
          + " leases of the target OWNED; writes to the range paused "
          + writePause.toMillis()
          + " ms";
    }

    /** A failure between the fence and the target owning: the source takes the range back. */
    private void giveBack(MoveFailedException failure) {
      try {
        int back = setLeases(src, "MOVED", "OWNED");
        LOG.log(
            Level.WARNING,
            "shard move {0}: gave {1} shards back to the source {2} after: {3}",
            name,
            back,
            source.name(),
            failure.getMessage());
      } catch (SQLException e) {
        failure.addSuppressed(e);
        throw new MoveFailedException(
            failure.phase(),
            failure.getMessage()
                + "; and the source's leases could not be set OWNED again ("
                + e.getMessage()
                + "): no database takes writes to "
                + first
                + "-"
                + last
                + " until they are, or the move is run again",
            failure);
      }
      throw new MoveFailedException(
          failure.phase(),
          failure.getMessage()
              + "; the source "
              + source.name()
              + " owns "
              + first
              + "-"
              + last
              + " again and writes go on there; the subscription still runs: run the move again",
          failure.getCause());
    }

    // ---------------------------------------------------------------- clean-up

    private void cleanUp() {
      phase(
          Phase.UNSUBSCRIBED,
          () -> {
            // Before any delete on the source: the subscription would apply the deletes.
            if (!subscriptionExists(dst)) {
              return "no subscription left";
            }
            sql(dst, "drop subscription " + name);
            return "subscription " + name + " and its slot dropped";
          });
      phase(
          Phase.SOURCE_DELETED,
          () -> {
            Map<String, Long> deleted = new LinkedHashMap<>();
            for (String table : DELETE_ORDER) {
              long n = deleteRange(src, table);
              deleted.put(table, n);
              rowsDeleted += n;
            }
            return "deleted " + deleted + " from " + source.name();
          });
      phase(
          Phase.UNPUBLISHED,
          () -> {
            sql(src, "drop publication if exists " + name);
            List<String> restored = new ArrayList<>();
            for (String table : TABLES) {
              // Tessera's tables have the default identity (their migrations never change it); it
              // stays FULL while another move's row-filtered publication still needs it.
              if ("f".equals(replicaIdentity(src, table)) && !filteredElsewhere(table)) {
                alterWithLockTimeout("alter table " + table + " replica identity default");
                restored.add(table);
              }
            }
            return "publication " + name + " dropped; replica identity DEFAULT on " + restored;
          });
    }

    private boolean filteredElsewhere(String table) throws SQLException {
      try (PreparedStatement p =
          src.prepareStatement(
              "select count(*) from pg_publication_rel pr join pg_publication p"
                  + " on p.oid = pr.prpubid where pr.prrelid = ?::regclass"
                  + " and pr.prqual is not null and p.pubname <> ?")) {
        p.setString(1, table);
        p.setString(2, name);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getLong(1) > 0;
        }
      }
    }

    private long deleteRange(Connection c, String table) throws SQLException {
      long total = 0;
      try (PreparedStatement p =
          c.prepareStatement(
              "delete from "
                  + table
                  + " where ctid = any(array(select ctid from "
                  + table
                  + " where shard between ? and ? limit ?))")) {
        p.setInt(1, first);
        p.setInt(2, last);
        p.setInt(3, options.deleteBatchSize());
        int n;
        do {
          n = p.executeUpdate();
          total += n;
        } while (n > 0);
      }
      return total;
    }

    // ---------------------------------------------------------------- waits and reads

    private boolean awaitsOutbox() {
      return options.awaitOutbox() && !options.unsafe().contains(Options.Unsafe.SKIP_WRITE_FENCE);
    }

    private String outboxSlot() {
      return options.outboxSlot() != null
          ? options.outboxSlot()
          : new OutboxConnector(options.outboxService(), source.name()).slotName();
    }

    /**
     * Waits until the target has applied everything the source wrote before {@code lsn}: the apply
     * worker has received WAL from {@code lsn} on (it applies in the order it receives, with
     * streaming off, and its position moves with the walsender's keepalives when nothing of the
     * range was written), or the subscription's slot has confirmed it. Not the slot alone: the
     * apply worker commits asynchronously and confirms only what its WAL writer has flushed, up to
     * ~200 ms later, and that would add to the write pause. What it applied is made durable by the
     * target's next synchronous commit, the OWNED leases, which comes after it in the WAL.
     */
    private void awaitApplied(String lsn, Duration timeout) throws SQLException {
      await(
          "the subscription to apply past " + lsn,
          timeout,
          () -> {
            if (!Boolean.TRUE.equals(subscriptionEnabled(dst))) {
              throw new IllegalStateException(
                  "the subscription "
                      + name
                      + " is disabled: it met an error (see the target server's log and"
                      + " pg_stat_subscription_stats)");
            }
            try (PreparedStatement p =
                dst.prepareStatement(
                    "select coalesce(bool_or(received_lsn >= ?::pg_lsn), false)"
                        + " from pg_stat_subscription where subname = ? and relid is null")) {
              p.setString(1, lsn);
              p.setString(2, name);
              try (ResultSet r = p.executeQuery()) {
                if (r.next() && r.getBoolean(1)) {
                  return true;
                }
              }
            }
            return slotConfirmed(name, lsn);
          });
    }

    private boolean slotConfirmed(String slot, String lsn) throws SQLException {
      try (PreparedStatement p =
          src.prepareStatement(
              "select confirmed_flush_lsn >= ?::pg_lsn from pg_replication_slots"
                  + " where slot_name = ?")) {
        p.setString(1, lsn);
        p.setString(2, slot);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            throw new IllegalStateException("the slot " + slot + " is gone from the source");
          }
          return r.getBoolean(1);
        }
      }
    }

    private void await(String what, Duration timeout, Check check) throws SQLException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!check.holds()) {
        if (System.nanoTime() - deadline >= 0) {
          throw new IllegalStateException("gave up waiting " + timeout + " for " + what);
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for " + what, e);
        }
      }
    }

    private Map<String, MoveReport.TableDigest> digests(Connection c) throws SQLException {
      Map<String, MoveReport.TableDigest> digests = new TreeMap<>();
      for (String table : TABLES) {
        // Order-independent and streaming: a sum of 64-bit hashes of each row's text, so no sort
        // and no string of the whole range (md5 of string_agg would build one in memory).
        try (PreparedStatement p =
            c.prepareStatement(
                "select count(*), coalesce(sum(hashtextextended(t::text, "
                    + LOCK_SPACE
                    + ")), 0)::text from "
                    + table
                    + " t where t.shard between ? and ?")) {
          p.setInt(1, first);
          p.setInt(2, last);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            digests.put(table, new MoveReport.TableDigest(r.getLong(1), r.getString(2)));
          }
        }
      }
      return digests;
    }

    private Map<String, Long> rowCounts(Connection c) throws SQLException {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (String table : TABLES) {
        try (PreparedStatement p =
            c.prepareStatement("select count(*) from " + table + " where shard between ? and ?")) {
          p.setInt(1, first);
          p.setInt(2, last);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            counts.put(table, r.getLong(1));
          }
        }
      }
      return counts;
    }

    private Map<Integer, Lease> leases(Connection c) throws SQLException {
      Map<Integer, Lease> leases = new TreeMap<>();
      try (PreparedStatement p =
          c.prepareStatement(
              "select shard, state, epoch from shard_lease where shard between ? and ?")) {
        p.setInt(1, first);
        p.setInt(2, last);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            leases.put(r.getInt(1), new Lease(r.getString(2), r.getLong(3)));
          }
        }
      }
      return leases;
    }

    /** The versions of the successful migrations; empty when Flyway never ran here. */
    private Set<String> migrations(Connection c) throws SQLException {
      if (!queryBoolean(c, "select to_regclass('flyway_schema_history') is not null")) {
        return Set.of();
      }
      Set<String> versions = new TreeSet<>();
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select version from flyway_schema_history"
                      + " where success and version is not null")) {
        while (r.next()) {
          versions.add(r.getString(1));
        }
      }
      return versions;
    }

    private int setLeases(Connection c, String from, String to) throws SQLException {
      return update(
          c,
          "update shard_lease set state = '"
              + to
              + "', epoch = epoch + 1, changed_at = now()"
              + " where shard between ? and ? and state = '"
              + from
              + "'",
          first,
          last);
    }

    private boolean publicationExists(Connection c) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement("select 1 from pg_publication where pubname = ?")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          return r.next();
        }
      }
    }

    private Set<String> publishedTables(Connection c) throws SQLException {
      Set<String> tables = new TreeSet<>();
      try (PreparedStatement p =
          c.prepareStatement("select tablename from pg_publication_tables where pubname = ?")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            tables.add(r.getString(1));
          }
        }
      }
      return tables;
    }

    private boolean subscriptionExists(Connection c) throws SQLException {
      return subscriptionEnabled(c) != null;
    }

    /** Whether this database's subscription of the move is enabled; null when there is none. */
    private Boolean subscriptionEnabled(Connection c) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "select subenabled from pg_subscription where subname = ?"
                  + " and subdbid = (select oid from pg_database"
                  + " where datname = current_database())")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getBoolean(1) : null;
        }
      }
    }

    private String replicaIdentity(Connection c, String table) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement("select relreplident::text from pg_class where oid = ?::regclass")) {
        p.setString(1, table);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getString(1);
        }
      }
    }

    /**
     * DDL on a table the services write: with a lock timeout, so that it never queues behind a long
     * transaction with every later write queued behind it; tried again a few times.
     */
    private void alterWithLockTimeout(String ddl) throws SQLException {
      for (int attempt = 1; ; attempt++) {
        src.setAutoCommit(false);
        try (Statement s = src.createStatement()) {
          s.execute("set local lock_timeout = '2s'");
          s.execute(ddl);
          src.commit();
          return;
        } catch (SQLException e) {
          src.rollback();
          if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || attempt >= 10) {
            throw e;
          }
        } finally {
          src.setAutoCommit(true);
        }
      }
    }

    // ---------------------------------------------------------------- plumbing

    private void phase(Phase phase, Step step) {
      listener.starting(phase);
      long begun = System.nanoTime();
      String detail;
      try {
        detail = step.run();
      } catch (MoveRefusedException | MoveFailedException e) {
        throw e;
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.ERROR, "shard move {0}: {1} failed: {2}", name, phase, e.getMessage());
        throw new MoveFailedException(phase, e.getMessage() + state(), e);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - begun);
      phases.add(new MoveReport.PhaseTiming(phase, took, detail));
      LOG.log(
          Level.INFO, "shard move {0}: {1} in {2} ms: {3}", name, phase, took.toMillis(), detail);
      listener.finished(phase, took, detail);
    }

    /** What a failure leaves, for its message: running the move again continues from there. */
    private String state() {
      return " (shards "
          + first
          + "-"
          + last
          + ", source "
          + (source == null ? "unknown" : source.name())
          + ", target "
          + target.name()
          + "; running the move again continues from what the databases show)";
    }

    private Connection open(Database database) {
      try {
        Connection c = database.connect();
        try (Statement s = c.createStatement()) {
          // The checksums hash each row's text: both sides must print timestamps alike.
          s.execute("set timezone = 'UTC'");
          s.execute("set datestyle = 'ISO, YMD'");
        }
        return c;
      } catch (SQLException e) {
        throw new MoveFailedException(
            Phase.PRECONDITIONS, "cannot connect to " + database + ": " + e.getMessage(), e);
      }
    }

    private void close(Connection c) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException e) {
          // Closing after the work is done or failed: nothing to add.
        }
      }
    }

    private String rowsOf(Map<String, MoveReport.TableDigest> digests) {
      Map<String, Long> rows = new LinkedHashMap<>();
      digests.forEach((table, digest) -> rows.put(table, digest.rows()));
      return rows + " rows";
    }
  }

  // ------------------------------------------------------------------ SQL helpers

  private static String currentLsn(Connection c) throws SQLException {
    return queryString(c, "select pg_current_wal_lsn()::text");
  }

  private static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private static boolean queryBoolean(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() && r.getBoolean(1);
    }
  }

  private static void sql(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int update(Connection c, String sql, int first, int last) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setInt(1, first);
      p.setInt(2, last);
      return p.executeUpdate();
    }
  }

  private static String latest(Set<String> versions) {
    return versions.stream()
        .max(ShardMover::compareVersions)
        .map(v -> "V" + v)
        .orElse("no migration");
  }

  private static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i]) : 0;
      long q = i < y.length ? Long.parseLong(y[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }

  /** Shards written as ranges: {@code shards 100-150, 160}. */
  static String describe(SortedSet<Integer> shards) {
    List<String> parts = new ArrayList<>();
    Integer from = null;
    Integer previous = null;
    for (int shard : shards) {
      if (from == null) {
        from = shard;
      } else if (shard != previous + 1) {
        parts.add(from.equals(previous) ? "" + from : from + "-" + previous);
        from = shard;
      }
      previous = shard;
    }
    if (from != null) {
      parts.add(from.equals(previous) ? "" + from : from + "-" + previous);
    }
    return (shards.size() == 1 ? "shard " : "shards ") + String.join(", ", parts);
  }
}
