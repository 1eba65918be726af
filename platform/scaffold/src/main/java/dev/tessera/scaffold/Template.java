package dev.tessera.scaffold;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few rules of the service template's text: {@code {{name}}} is a value; {@code {{#name}}…
 * {{/name}}} is kept when {@code name} is {@code true} and repeated for each element of a list
 * (each a map of values seen inside); {@code {{^name}}…{{/name}}} is kept when {@code name} is
 * {@code false} or an empty list. A line holding only a section tag leaves no line behind. A name
 * the scope does not have is an error, so a typo in the template fails its test instead of writing
 * {@code {{Aggregat}}} into a service.
 */
final class Template {

  private static final Pattern TAG = Pattern.compile("\\{\\{([#^/]?)([A-Za-z]+)\\}\\}");
  private static final Pattern STANDALONE =
      Pattern.compile("(?m)^[ \\t]*(\\{\\{[#^/][A-Za-z]+\\}\\})[ \\t]*\\r?\\n");

  private Template() {}

  /** {@code text} with its tags replaced from {@code scope}. */
  static String render(String text, Map<String, Object> scope) {
    return section(STANDALONE.matcher(text).replaceAll("$1"), scope);
  }

  private static String section(String text, Map<String, Object> scope) {
    StringBuilder out = new StringBuilder();
    Matcher tag = TAG.matcher(text);
    int at = 0;
    while (tag.find(at)) {
      out.append(text, at, tag.start());
      String kind = tag.group(1);
      String name = tag.group(2);
      if (kind.isEmpty()) {
        out.append(value(scope, name));
        at = tag.end();
        continue;
      }
      if (kind.equals("/")) {
        throw new IllegalArgumentException("{{/" + name + "}} closes no section");
      }
      int close = closing(text, name, tag.end());
      String inner = text.substring(tag.end(), close);
      Object value = lookup(scope, name);
      boolean inverted = kind.equals("^");
      if (value instanceof Boolean flag) {
        if (flag != inverted) {
          out.append(section(inner, scope));
        }
      } else if (value instanceof List<?> items) {
        if (inverted) {
          if (items.isEmpty()) {
            out.append(section(inner, scope));
          }
        } else {
          for (Object item : items) {
            Map<String, Object> nested = new HashMap<>(scope);
            @SuppressWarnings("unchecked") // the generator puts maps of values in its lists
            Map<String, Object> values = (Map<String, Object>) item;
            nested.putAll(values);
            out.append(section(inner, nested));
          }
        }
      } else {
        throw new IllegalArgumentException("{{" + kind + name + "}} needs a flag or a list");
      }
      at = close + ("{{/" + name + "}}").length();
    }
    return out.append(text.substring(at)).toString();
  }

  /**
   * Where the section {@code name} opened before {@code from} ends, sections nested in it skipped.
   */
  private static int closing(String text, String name, int from) {
    Matcher tag = TAG.matcher(text);
    int depth = 1;
    int at = from;
    while (tag.find(at)) {
      if (tag.group(2).equals(name)) {
        if (tag.group(1).equals("/")) {
          depth--;
          if (depth == 0) {
            return tag.start();
          }
        } else if (!tag.group(1).isEmpty()) {
          depth++;
        }
      }
      at = tag.end();
    }
    throw new IllegalArgumentException("{{#" + name + "}} is never closed");
  }

  private static String value(Map<String, Object> scope, String name) {
    Object value = lookup(scope, name);
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("{{" + name + "}} is a section, not a value");
    }
    return text;
  }

  private static Object lookup(Map<String, Object> scope, String name) {
    Object value = scope.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the template uses {{" + name + "}}, which is not set");
    }
    return value;
  }
}
