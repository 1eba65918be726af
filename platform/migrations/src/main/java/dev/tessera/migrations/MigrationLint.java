package dev.tessera.migrations;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expand/contract, checked: a migration that ships with a release runs while the previous release's
 * pods still serve (the migration Job runs before the new pods start, and the old ones stop only as
 * new ones are ready), so it may only <em>add</em>. A statement that would break the previous
 * release's code — dropping or renaming what it reads, changing a column's type, making a column it
 * may leave empty NOT NULL, a new constraint on a table it writes — is refused, unless the
 * migration is a <em>contract</em> migration: its header says {@code -- contract: safe after
 * release X}, naming the release after which nothing reads what it removes, and X must be older
 * than the release being built.
 *
 * <p>A {@code DROP INDEX} is allowed when the same migration creates an index of that name again (a
 * redefinition). Constraints and unique indexes are allowed on tables the migration creates.
 * Lexical, not a SQL parser: comments and dollar-quoted bodies are skipped, statements are split on
 * semicolons.
 */
public final class MigrationLint {

  /** One refused statement. */
  public record Finding(String migration, String rule, String statement) {
    @Override
    public String toString() {
      return migration + ": " + rule + ": " + statement;
    }
  }

  private static final Pattern CONTRACT =
      Pattern.compile("(?im)^\\s*--\\s*contract:\\s*safe after release\\s+(\\S+)\\s*$");

  private record Rule(String name, Pattern pattern) {}

  private static final String TABLE = "alter table (?:if exists )?(?:only )?([a-z0-9_.\"]+)";

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "drops what the previous release may read",
              Pattern.compile(
                  "^drop (?:table|view|materialized"
                      + " view|schema|type|function|procedure|sequence|trigger|publication|extension|domain)\\b.*")),
          new Rule(
              "drops what the previous release may read",
              Pattern.compile(
                  "^"
                      + TABLE
                      + " .*\\bdrop (?:column\\b|constraint\\b|(?!not null|default)[a-z_\"]+\\b(?!"
                      + " not null| default)).*")),
          new Rule(
              "renames what the previous release reads",
              Pattern.compile("^(?:alter .* )?rename\\b.*")),
          new Rule(
              "changes a column's type",
              Pattern.compile(
                  "^" + TABLE + " .*\\balter (?:column )?[a-z0-9_\"]+ (?:set data )?type\\b.*")),
          new Rule(
              "makes a column NOT NULL that the previous release may leave empty",
              Pattern.compile("^" + TABLE + " .*\\bset not null\\b.*")),
          new Rule(
              "drops a default the previous release may rely on",
              Pattern.compile("^" + TABLE + " .*\\bdrop default\\b.*")),
          new Rule("empties a table", Pattern.compile("^truncate\\b.*")));

  private static final Pattern ADD_NOT_NULL_COLUMN =
      Pattern.compile(
          "^"
              + TABLE
              + " .*\\badd (?:column )?(?:if not exists )?(?!constraint |check |unique |primary"
              + " |foreign |exclude )[a-z0-9_\"]+ .*\\bnot null\\b.*");
  private static final Pattern ADD_CONSTRAINT =
      Pattern.compile(
          "^"
              + TABLE
              + " .*\\badd (?:constraint\\b|check\\b|unique\\b|primary key\\b|foreign"
              + " key\\b|exclude\\b).*");
  private static final Pattern CREATE_TABLE =
      Pattern.compile("^create (?:unlogged )?table (?:if not exists )?([a-z0-9_.\"]+).*");
  private static final Pattern CREATE_INDEX =
      Pattern.compile(
          "^create (unique )?index (?:concurrently )?(?:if not exists )?([a-z0-9_\"]+) on (?:only"
              + " )?([a-z0-9_.\"]+).*");
  private static final Pattern DROP_INDEX =
      Pattern.compile(
          "^drop index (?:concurrently )?(?:if exists )?([a-z0-9_.\"]+)\\s*(?:cascade|restrict)?$");

  private MigrationLint() {}

  /**
   * What is refused in the migration {@code name} with text {@code sql}, built into release {@code
   * building} (e.g. {@code 0.2.0} or {@code 0.2.0-SNAPSHOT}).
   */
  public static List<Finding> check(String name, String sql, String building) {
    List<Finding> findings = new ArrayList<>();
    Optional<String> contract = contractRelease(sql);
    if (contract.isPresent()) {
      if (compare(contract.get(), release(building)) >= 0) {
        findings.add(
            new Finding(
                name,
                "a contract migration must name a release older than the one it ships in ("
                    + release(building)
                    + ")",
                "-- contract: safe after release " + contract.get()));
      }
      return findings;
    }
    List<String> statements = statements(sql);
    Set<String> created = new HashSet<>();
    Set<String> createdIndexes = new HashSet<>();
    for (String s : statements) {
      Matcher table = CREATE_TABLE.matcher(s);
      if (table.matches()) {
        created.add(unquote(table.group(1)));
      }
      Matcher index = CREATE_INDEX.matcher(s);
      if (index.matches()) {
        createdIndexes.add(unquote(index.group(2)));
      }
    }
    for (String s : statements) {
      Matcher drop = DROP_INDEX.matcher(s);
      if (drop.matches()) {
        if (!createdIndexes.contains(unquote(drop.group(1)))) {
          findings.add(new Finding(name, "drops an index the previous release may rely on", s));
        }
        continue;
      }
      for (Rule rule : RULES) {
        if (rule.pattern().matcher(s).matches()) {
          findings.add(new Finding(name, rule.name(), s));
          break;
        }
      }
      Matcher add = ADD_NOT_NULL_COLUMN.matcher(s);
      if (add.matches() && !s.contains(" default ") && !created.contains(unquote(add.group(1)))) {
        findings.add(
            new Finding(
                name,
                "adds a NOT NULL column without a default: the previous release's inserts fail",
                s));
      }
      Matcher constraint = ADD_CONSTRAINT.matcher(s);
      if (constraint.matches() && !created.contains(unquote(constraint.group(1)))) {
        findings.add(
            new Finding(name, "adds a constraint to a table the previous release writes", s));
      }
      Matcher unique = CREATE_INDEX.matcher(s);
      if (unique.matches()
          && unique.group(1) != null
          && !created.contains(unquote(unique.group(3)))) {
        findings.add(
            new Finding(name, "adds a unique index to a table the previous release writes", s));
      }
    }
    return findings;
  }

  /** The release a contract migration names, if it is one. */
  public static Optional<String> contractRelease(String sql) {
    Matcher m = CONTRACT.matcher(sql);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The statements of {@code sql}, lower case, whitespace collapsed, without comments, string
   * literals' contents or dollar-quoted bodies.
   */
  static List<String> statements(String sql) {
    StringBuilder clean = new StringBuilder();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        int end = i + 1;
        while (end < n
            && !(sql.charAt(end) == '\'' && (end + 1 >= n || sql.charAt(end + 1) != '\''))) {
          end += sql.charAt(end) == '\'' ? 2 : 1;
        }
        clean.append("''");
        i = end + 1;
      } else if (c == '$') {
        Matcher tag = Pattern.compile("\\$[A-Za-z0-9_]*\\$").matcher(sql).region(i, n);
        if (tag.lookingAt()) {
          int end = sql.indexOf(tag.group(), tag.end());
          clean.append("$$");
          i = end < 0 ? n : end + tag.group().length();
        } else {
          clean.append(c);
          i++;
        }
      } else {
        clean.append(c);
        i++;
      }
    }
    List<String> statements = new ArrayList<>();
    for (String part : clean.toString().split(";")) {
      String s = part.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
      if (!s.isEmpty()) {
        statements.add(s);
      }
    }
    return statements;
  }

  private static String unquote(String identifier) {
    String id = identifier.replace("\"", "");
    int dot = id.lastIndexOf('.');
    return dot < 0 ? id : id.substring(dot + 1);
  }

  /** {@code 0.2.0-SNAPSHOT} → {@code 0.2.0}. */
  static String release(String version) {
    int dash = version.indexOf('-');
    return dash < 0 ? version : version.substring(0, dash);
  }

  /** Compares dotted numeric versions ({@code 0.10.0} after {@code 0.9.1}). */
  static int compare(String a, String b) {
    String[] x = release(a).split("\\.");
    String[] y = release(b).split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? Integer.parseInt(x[i]) : 0;
      int q = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }
}
