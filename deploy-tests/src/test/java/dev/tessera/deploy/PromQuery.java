package dev.tessera.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression (or a Grafana panel's query) reads: each selector's metric name
 * and label matchers, and the labels it groups or joins by. A scanner, not a parser: enough for the
 * chart's rules and dashboards, which a test checks against what the applications export.
 *
 * <p>The same scanner as e2e-tests' PromQuery (the two test modules share no code): change both.
 */
record PromQuery(String expression, List<Selector> selectors, Set<String> groupingLabels) {

  /** One {@code metric{label op "value", ...}}; the name is empty for a bare {@code {...}}. */
  record Selector(String metric, List<LabelMatcher> matchers) {

    /** A recording rule's output ({@code level:metric:operations}), not an exported series. */
    boolean recorded() {
      return metric.contains(":");
    }
  }

  /** {@code label op "value"}. */
  record LabelMatcher(String label, String op, String value) {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern MATCHER =
      Pattern.compile(
          "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

  /** Scans {@code expression}; Grafana's {@code $variables} count as a duration or a value. */
  static PromQuery of(String expression) {
    String text = expression.replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", "1m");
    List<Selector> selectors = new ArrayList<>();
    Set<String> grouping = new LinkedHashSet<>();
    Matcher g = GROUPING.matcher(text);
    while (g.find()) {
      for (String label : g.group(2).split(",")) {
        if (!label.isBlank()) {
          grouping.add(label.strip());
        }
      }
    }
    // Grouping lists are labels, not metrics: blank them out before looking for selectors.
    text = GROUPING.matcher(text).replaceAll(m -> " ".repeat(m.group().length()));
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        i = skipString(text, i);
      } else if (c == '[') {
        i = text.indexOf(']', i) + 1;
      } else if (c == '{') {
        int end = matchersEnd(text, i);
        selectors.add(new Selector("", matchers(text.substring(i + 1, end))));
        i = end + 1;
      } else if (Character.isDigit(c) || c == '.') {
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
          i++;
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        Matcher id = IDENTIFIER.matcher(text);
        id.find(i);
        String name = id.group();
        int after = id.end();
        int next = after;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
          next++;
        }
        boolean function = next < text.length() && text.charAt(next) == '(';
        if (!function && !KEYWORDS.contains(name.toLowerCase())) {
          if (next < text.length() && text.charAt(next) == '{') {
            int end = matchersEnd(text, next);
            selectors.add(new Selector(name, matchers(text.substring(next + 1, end))));
            after = end + 1;
          } else {
            selectors.add(new Selector(name, List.of()));
          }
        }
        i = after;
      } else {
        i++;
      }
    }
    return new PromQuery(expression, List.copyOf(selectors), Set.copyOf(grouping));
  }

  private static int skipString(String text, int start) {
    char quote = text.charAt(start);
    int i = start + 1;
    while (i < text.length() && text.charAt(i) != quote) {
      i += text.charAt(i) == '\\' ? 2 : 1;
    }
    return i + 1;
  }

  private static int matchersEnd(String text, int open) {
    int i = open + 1;
    while (i < text.length() && text.charAt(i) != '}') {
      i = text.charAt(i) == '"' ? skipString(text, i) : i + 1;
    }
    return i;
  }

  private static List<LabelMatcher> matchers(String body) {
    List<LabelMatcher> matchers = new ArrayList<>();
    Matcher m = MATCHER.matcher(body);
    int at = 0;
    while (at < body.length() && m.find(at) && m.start() == at) {
      matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")));
      at = m.end();
    }
    if (!body.substring(at).isBlank()) {
      throw new IllegalArgumentException("cannot read the matchers {" + body + "}");
    }
    return matchers;
  }
}
