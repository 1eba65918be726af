package dev.tessera.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.servers.Database;
import dev.tessera.servers.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every migration in the repository is an expansion (or a contract migration naming an older
 * release), and the previous release's code keeps working on HEAD's schema.
 *
 * <p>The second is checked on a real PostgreSQL, not by running the previous release's test suite
 * against HEAD's schema (a build of the old commit per service): the previous release's migrations
 * and HEAD's are applied to two databases of each service and their catalogs compared. What the old
 * code can do to a table is bounded by what its schema had: every table and column it knew is still
 * there with the same type, nothing it could leave empty became NOT NULL, every column HEAD added
 * to one of its tables may be left out of its inserts, and no constraint or unique index was added
 * to its tables. Released migration files are unchanged byte for byte (Flyway's checksums).
 *
 * <p>"The previous release" is {@code -Dtessera.previous-release=<git ref>}, else the newest {@code
 * v*} tag, else — until releases are tagged — the commit before the latest one that changed a
 * migration.
 */
class MigrationSafetyTest {

  @TempDir static Path dir;
  static LocalPostgres postgres;

  /** Each migration directory: service (or platform) → path in the repository. */
  static Map<String, String> directories() {
    Map<String, String> dirs = new LinkedHashMap<>();
    dirs.put("platform", "platform/eventing/src/main/resources/db/tessera");
    try (Stream<Path> services = Files.list(root().resolve("services"))) {
      for (Path service : services.sorted().toList()) {
        Path migrations = service.resolve("src/main/resources/db/migration");
        if (Files.isDirectory(migrations)) {
          dirs.put(service.getFileName().toString(), root().relativize(migrations).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dirs;
  }

  static Path root() {
    String configured = System.getProperty("tessera.root");
    return (configured != null ? Path.of(configured) : Path.of("../.."))
        .toAbsolutePath()
        .normalize();
  }

  @BeforeAll
  static void start() {
    postgres = new LocalPostgres(dir.resolve("postgres"), false);
    postgres.start();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  @Test
  void every_migration_only_adds_unless_it_is_a_contract_migration_naming_an_older_release()
      throws IOException {
    String building = projectVersion();
    List<MigrationLint.Finding> findings = new ArrayList<>();
    int linted = 0;
    for (String directory : directories().values()) {
      try (Stream<Path> files = Files.list(root().resolve(directory))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
          findings.addAll(
              MigrationLint.check(
                  root().relativize(file).toString(), Files.readString(file), building));
          linted++;
        }
      }
    }
    assertThat(directories())
        .containsKeys("platform", "identity", "orders", "billing", "notifications");
    assertThat(linted).as("migrations linted").isGreaterThanOrEqualTo(10);
    assertThat(findings).as("refused statements").isEmpty();
  }

  @Test
  void the_previous_release_finds_everything_it_reads_and_writes_in_heads_schema()
      throws Exception {
    String previous = previousRelease();
    List<String> problems = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> service : directories().entrySet()) {
      if (service.getKey().equals("platform")) {
        continue;
      }
      String platform = directories().get("platform");
      Map<String, String> before = new TreeMap<>(filesAt(previous, platform));
      before.putAll(filesAt(previous, service.getValue()));
      Map<String, String> head = new TreeMap<>(filesAt(null, platform));
      head.putAll(filesAt(null, service.getValue()));
      if (before.isEmpty()) {
        continue; // a service the previous release did not have
      }
      before.forEach(
          (file, text) -> {
            if (head.containsKey(file) && !head.get(file).equals(text)) {
              problems.add(service.getKey() + ": released migration " + file + " was edited");
            } else if (!head.containsKey(file)) {
              problems.add(service.getKey() + ": released migration " + file + " was removed");
            }
          });
      // Flyway keeps one version sequence per database, the platform's and the service's
      // together: a new migration numbered below one a database has applied is refused there as
      // out of order, so every database migrated by the previous release could not start HEAD.
      List<Integer> newest =
          before.keySet().stream()
              .map(MigrationSafetyTest::versionOf)
              .max(MigrationSafetyTest::compareVersions)
              .orElseThrow();
      head.keySet().stream()
          .filter(file -> !before.containsKey(file))
          .filter(file -> compareVersions(versionOf(file), newest) <= 0)
          .forEach(
              file ->
                  problems.add(
                      service.getKey()
                          + ": new migration "
                          + file
                          + " is numbered below the previous release's newest, "
                          + newest
                          + " (out of order where that was applied)"));
      Catalog old = catalog(migrate("prev_" + service.getKey() + n, before));
      Catalog now = catalog(migrate("head_" + service.getKey() + n, head));
      n++;
      problems.addAll(old.breakingChangesIn(now, service.getKey()));
    }
    assertThat(problems).as("against the previous release " + previous).isEmpty();
  }

  /** The version of a migration file, {@code V0_3__x.sql} → [0, 3]. */
  static List<Integer> versionOf(String file) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    String version = name.substring(1, name.indexOf("__"));
    return java.util.Arrays.stream(version.split("[._]")).map(Integer::valueOf).toList();
  }

  static int compareVersions(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int x = i < a.size() ? a.get(i) : 0;
      int y = i < b.size() ? b.get(i) : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  /** What the old code depends on in one database's schema. */
  record Catalog(
      Map<String, String> columns, // table.column → type
      Set<String> nullable, // table.column
      Set<String> defaulted, // table.column
      Set<String> constraints) { // table: definition (checks, uniques, keys, unique indexes)

    List<String> breakingChangesIn(Catalog head, String service) {
      List<String> problems = new ArrayList<>();
      Set<String> tables = new TreeSet<>();
      columns.keySet().forEach(c -> tables.add(c.substring(0, c.indexOf('.'))));
      columns.forEach(
          (column, type) -> {
            if (!head.columns().containsKey(column)) {
              problems.add(service + ": " + column + " is gone");
            } else if (!head.columns().get(column).equals(type)) {
              problems.add(
                  service
                      + ": "
                      + column
                      + " changed type "
                      + type
                      + " → "
                      + head.columns().get(column));
            } else if (nullable.contains(column) && !head.nullable().contains(column)) {
              problems.add(service + ": " + column + " became NOT NULL");
            }
          });
      head.columns()
          .keySet()
          .forEach(
              column -> {
                String table = column.substring(0, column.indexOf('.'));
                if (tables.contains(table)
                    && !columns.containsKey(column)
                    && !head.nullable().contains(column)
                    && !head.defaulted().contains(column)) {
                  problems.add(
                      service + ": new column " + column + " is NOT NULL without a default");
                }
              });
      head.constraints()
          .forEach(
              constraint -> {
                String table = constraint.substring(0, constraint.indexOf(':'));
                if (tables.contains(table) && !constraints.contains(constraint)) {
                  problems.add(service + ": new constraint on an existing table: " + constraint);
                }
              });
      return problems;
    }
  }

  private static Catalog catalog(Database db) throws SQLException {
    Map<String, String> columns = new TreeMap<>();
    Set<String> nullable = new TreeSet<>();
    Set<String> defaulted = new TreeSet<>();
    Set<String> constraints = new TreeSet<>();
    try (Connection c = postgres.connect(db.name(), db.owner());
        Statement s = c.createStatement()) {
      try (ResultSet r =
          s.executeQuery(
              "select table_name, column_name, data_type, character_maximum_length, is_nullable,"
                  + " column_default from information_schema.columns where table_schema = 'public'"
                  + " and table_name <> 'flyway_schema_history'")) {
        while (r.next()) {
          String column = r.getString(1) + "." + r.getString(2);
          columns.put(
              column, r.getString(3) + (r.getObject(4) == null ? "" : "(" + r.getInt(4) + ")"));
          if ("YES".equals(r.getString(5))) {
            nullable.add(column);
          }
          if (r.getString(6) != null) {
            defaulted.add(column);
          }
        }
      }
      try (ResultSet r =
          s.executeQuery(
              "select conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint where"
                  + " connamespace = 'public'::regnamespace and contype in ('c','f','u','p','x')"
                  + " union select tablename, regexp_replace(indexdef, '^CREATE UNIQUE INDEX \\S+"
                  + " ', '') from pg_indexes where schemaname = 'public' and indexdef like 'CREATE"
                  + " UNIQUE%'")) {
        while (r.next()) {
          if (!r.getString(1).equals("flyway_schema_history")) {
            constraints.add(r.getString(1) + ": " + r.getString(2));
          }
        }
      }
    }
    return new Catalog(columns, nullable, defaulted, constraints);
  }

  private static Database migrate(String name, Map<String, String> files) throws IOException {
    Path location = dir.resolve(name);
    Files.createDirectories(location);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(location.resolve(file.getKey()), file.getValue());
    }
    Database db = postgres.createDatabase(name, name, name + "-local");
    Flyway.configure(MigrationSafetyTest.class.getClassLoader())
        .dataSource(db.jdbcUrl(), db.owner().username(), db.owner().password())
        .locations("filesystem:" + location)
        .load()
        .migrate();
    return db;
  }

  /** The .sql files in {@code directory} at {@code ref} (null: the working tree), by name. */
  private static Map<String, String> filesAt(String ref, String directory) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (ref == null) {
      Path path = root().resolve(directory);
      if (Files.isDirectory(path)) {
        try (Stream<Path> list = Files.list(path)) {
          for (Path f : list.filter(p -> p.toString().endsWith(".sql")).toList()) {
            files.put(f.getFileName().toString(), Files.readString(f));
          }
        }
      }
      return files;
    }
    for (String name : git("ls-tree", "--name-only", ref + ":" + directory).lines().toList()) {
      if (name.endsWith(".sql")) {
        files.put(name, git("show", ref + ":" + directory + "/" + name));
      }
    }
    return files;
  }

  private static String previousRelease() throws IOException {
    String configured = System.getProperty("tessera.previous-release");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String tag =
        git("tag", "--list", "v*", "--sort=-version:refname").lines().findFirst().orElse("");
    if (!tag.isBlank()) {
      return tag.trim();
    }
    List<String> args =
        new ArrayList<>(List.of("log", "-1", "--no-merges", "--format=%H", "HEAD", "--"));
    args.addAll(directories().values());
    String lastChange = git(args.toArray(String[]::new)).trim();
    return lastChange + "^";
  }

  private static String git(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "-C", root().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        // A directory that did not exist at that ref: no files.
        if (out.contains("does not exist") || out.contains("not a tree object")) {
          return "";
        }
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  private static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>tessera-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(root().resolve("pom.xml")));
    assertThat(m.find()).as("the parent pom's version").isTrue();
    return m.group(1);
  }
}
