package dev.tessera.scaffold;

import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.registry.ServiceDescriptor;
import dev.tessera.registry.ServiceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a new domain service into a checkout from the template in this module's resources ({@code
 * service-template/}): the module under {@code services/<name>}, its event record, JSON Schema and
 * released v1 in {@code contracts/} when it publishes, and the lines that name it where a list must
 * (the Maven module list, {@code EventTypes}, the contract tests' samples, the chart's {@code
 * apps}). Everything is checked and rendered before the first file is written: a refused request
 * writes nothing.
 */
public final class ServiceGenerator {

  /** Longest name: it becomes a database, a role, a consumer group and part of topic names. */
  static final int MAX_NAME = 20;

  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9]*");

  /** Names that would collide with a part of Tessera, a server, or a Java or SQL keyword. */
  private static final Set<String> RESERVED =
      Set.of(
          // Tessera's own modules, directories and applications
          "api",
          "app",
          "apps",
          "common",
          "contracts",
          "deploy",
          "docs",
          "e2e",
          "gateway",
          "helm",
          "k8s",
          "platform",
          "scaffold",
          "services",
          "shared",
          "template",
          "tessera",
          "test",
          "testing",
          "web",
          // the servers and what the launcher calls them
          "connect",
          "kafka",
          "postgres",
          "postgresql",
          "redis",
          "smtp",
          "mail",
          "admin",
          // tables every service has
          "inbox",
          "outbox",
          "event",
          "received",
          // Java keywords and literals (a service's name is a package segment)
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "var",
          "record",
          "yield",
          // SQL reserved words (an aggregate's name is its table)
          "all",
          "and",
          "any",
          "as",
          "check",
          "column",
          "constraint",
          "create",
          "current",
          "desc",
          "distinct",
          "end",
          "from",
          "grant",
          "group",
          "having",
          "in",
          "into",
          "is",
          "key",
          "limit",
          "not",
          "offset",
          "on",
          "or",
          "order",
          "primary",
          "references",
          "select",
          "table",
          "to",
          "union",
          "unique",
          "user",
          "using",
          "where",
          "with");

  private static final String TEMPLATE = "service-template/";

  /** The values files of the chart's environments, each sizing every app for its cluster. */
  private static final String ENVIRONMENTS = "helm/tessera/ci";

  /** The end-to-end tests' pom, and the line its list of the apps they start ends with. */
  private static final String END_TO_END_POM = "e2e-tests/pom.xml";

  private static final String END_TO_END_APPS =
      "    <!-- tessera: apps the launcher starts, above this line -->";

  /** The service whose sizing a new one gets in each environment's values. */
  private static final String REFERENCE = "orders";

  private static final Set<String> SIZING = Set.of("replicas", "resources", "pdb", "autoscaling");

  private ServiceGenerator() {}

  /** What a generation wrote. */
  public record Generated(String name, int portIndex, List<Path> created, List<Path> changed) {}

  /**
   * Generates the service {@code request} asks for in the checkout at {@code repository}.
   *
   * @throws InvalidServiceRequest if the name is not a lowercase word, is taken or reserved, the
   *     aggregate is not a valid name, a consumed topic is no other service's, or no port index is
   *     free — with nothing written
   */
  public static Generated generate(Path repository, NewService request) {
    ServiceRegistry registry = ServiceRegistry.discover(repository);
    String name = request.name();
    checkWord("service name", name);
    if (registry.byName(name).isPresent() || Files.exists(repository.resolve("services/" + name))) {
      throw new InvalidServiceRequest(
          "service name '" + name + "' is taken (services/" + name + " exists)");
    }
    String aggregate = request.aggregate();
    request.publishes().ifPresent(a -> checkWord("aggregate (--publishes)", a));
    List<String> consumes = consumed(registry, request);
    int portIndex = freePortIndex(registry);

    Map<String, Object> scope = scope(request, aggregate, consumes, portIndex);
    Map<Path, String> created = new LinkedHashMap<>();
    for (String[] entry : templateFiles()) {
      String text = Template.render(resource(entry[0]), scope);
      if (!text.isBlank()) {
        created.put(repository.resolve(Template.render(entry[1], scope)), text);
      }
    }
    for (Path file : created.keySet()) {
      if (Files.exists(file)) {
        throw new InvalidServiceRequest(repository.relativize(file) + " exists already");
      }
    }
    Map<Path, String> changed = new LinkedHashMap<>();
    Edits edits = new Edits(repository, changed);
    edits.addModule(name);
    edits.addEndToEndApp(Template.render(resource("e2e-dependency.xml"), scope));
    edits.addChartValues(Template.render(resource("chart-values.yaml"), scope));
    edits.addEnvironmentValues(name);
    if (request.publishes().isPresent()) {
      edits.addEventType(scope);
      edits.addChartTopic((String) scope.get("eventTopic"));
    }

    for (Map.Entry<Path, String> file : created.entrySet()) {
      write(file.getKey(), file.getValue());
    }
    for (Map.Entry<Path, String> file : changed.entrySet()) {
      write(file.getKey(), file.getValue());
    }
    return new Generated(
        name,
        portIndex,
        created.keySet().stream().map(repository::relativize).toList(),
        changed.keySet().stream().map(repository::relativize).toList());
  }

  private static void checkWord(String what, String word) {
    if (!WORD.matcher(word).matches()) {
      throw new InvalidServiceRequest(
          what + " '" + word + "' is not a lowercase word (a-z, then a-z or 0-9)");
    }
    if (word.length() < 2 || word.length() > MAX_NAME) {
      throw new InvalidServiceRequest(
          what + " '" + word + "' must have 2 to " + MAX_NAME + " characters");
    }
    if (RESERVED.contains(word)) {
      throw new InvalidServiceRequest(
          what
              + " '"
              + word
              + "' is reserved (a part of Tessera, a server, or a Java or SQL word)");
    }
  }

  private static List<String> consumed(ServiceRegistry registry, NewService request) {
    Set<String> published = new TreeSet<>();
    for (ServiceDescriptor s : registry.services()) {
      published.addAll(s.publishes());
    }
    Set<String> seen = new HashSet<>();
    for (String topic : request.consumes()) {
      if (!published.contains(topic)) {
        throw new InvalidServiceRequest(
            "--consumes: no service publishes '" + topic + "' (published: " + published + ")");
      }
      if (!seen.add(topic)) {
        throw new InvalidServiceRequest("--consumes: '" + topic + "' is given twice");
      }
      if (EventTypes.all().stream().noneMatch(t -> t.topic().equals(topic))) {
        throw new InvalidServiceRequest(
            "--consumes: '" + topic + "' has no event type in contracts/ (EventTypes)");
      }
    }
    return request.consumes();
  }

  private static int freePortIndex(ServiceRegistry registry) {
    Set<Integer> taken = new HashSet<>();
    registry.services().forEach(s -> taken.add(s.portIndex()));
    for (int i = 1; i <= ServiceRegistry.MAX_PORT_INDEX; i++) {
      if (!taken.contains(i)) {
        return i;
      }
    }
    throw new InvalidServiceRequest(
        "no free portIndex: 1 to " + ServiceRegistry.MAX_PORT_INDEX + " are all taken");
  }

  private static Map<String, Object> scope(
      NewService request, String aggregate, List<String> consumes, int portIndex) {
    String name = request.name();
    Map<String, Object> scope = new HashMap<>();
    scope.put("service", name);
    scope.put("Service", capitalized(name));
    scope.put("aggregate", aggregate);
    scope.put("Aggregate", capitalized(aggregate));
    scope.put("AGGREGATE", aggregate.toUpperCase(Locale.ROOT));
    scope.put("portIndex", Integer.toString(portIndex));
    scope.put("publishes", request.publishes().isPresent());
    scope.put("eventTopic", name + "." + aggregate + ".events");
    scope.put("consumesAny", !consumes.isEmpty());
    Map<Class<?>, String> constants = eventTypeConstants();
    List<Map<String, Object>> topics = new ArrayList<>();
    for (String topic : consumes) {
      String[] parts = topic.split("\\.");
      List<Map<String, Object>> types = new ArrayList<>();
      for (EventType<?> type : EventTypes.all()) {
        if (type.topic().equals(topic)) {
          types.add(
              Map.of(
                  "Type", type.javaType().getSimpleName(),
                  "TypeClass", type.javaType().getName(),
                  "TYPE", constants.get(type.javaType())));
        }
      }
      topics.add(
          Map.of(
              "topic",
              topic,
              "channel",
              parts[0] + "-" + parts[1] + "-events",
              "Channel",
              capitalized(parts[0]) + capitalized(parts[1]),
              "handlers",
              parts[0] + capitalized(parts[1]) + "Handlers",
              "types",
              types));
    }
    scope.put("consumes", topics);
    scope.put(
        "consumedTopics",
        topics.stream().map(t -> Map.<String, Object>of("topic", t.get("topic"))).toList());
    return scope;
  }

  /** Each event record class, by the name of its constant in {@code EventTypes}. */
  private static Map<Class<?>, String> eventTypeConstants() {
    Map<Class<?>, String> constants = new HashMap<>();
    for (Field field : EventTypes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == EventType.class) {
        try {
          constants.put(((EventType<?>) field.get(null)).javaType(), field.getName());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return constants;
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  /** The template's files: each line of {@code files.txt} is {@code <template> <target path>}. */
  private static List<String[]> templateFiles() {
    List<String[]> files = new ArrayList<>();
    for (String line : resource("files.txt").split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        files.add(trimmed.split("\\s+", 2));
      }
    }
    return files;
  }

  static String resource(String name) {
    try (InputStream in = ServiceGenerator.class.getResourceAsStream("/" + TEMPLATE + name)) {
      if (in == null) {
        throw new IllegalStateException("the service template has no " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The lines added to files that list every service or event type, computed before writing. */
  private record Edits(Path repository, Map<Path, String> changed) {

    void addModule(String name) {
      edit(
          "services/pom.xml",
          text -> insertBefore(text, "  </modules>", "    <module>" + name + "</module>\n"));
    }

    /**
     * Lists the service among the apps the end-to-end tests start, so that a parallel build
     * packages it before they run.
     */
    void addEndToEndApp(String dependency) {
      edit(END_TO_END_POM, text -> insertBefore(text, END_TO_END_APPS, dependency));
    }

    /** Appends the service to {@code apps:} of the chart's values. */
    void addChartValues(String block) {
      edit("helm/tessera/values.yaml", text -> appendToApps(text, block, true));
    }

    /**
     * Sizes the service in each environment's values ({@code helm/tessera/ci/*.yaml}) as that file
     * sizes {@code orders}: its replicas, resources, PodDisruptionBudget and autoscaling, and
     * nothing of orders' own.
     */
    void addEnvironmentValues(String name) {
      Path dir = repository.resolve(ENVIRONMENTS);
      if (!Files.isDirectory(dir)) {
        return;
      }
      List<Path> files;
      try (var list = Files.list(dir)) {
        files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (Path file : files) {
        edit(
            ENVIRONMENTS + "/" + file.getFileName(),
            text -> {
              List<String> sizing = sizingOf(text, REFERENCE);
              if (sizing.isEmpty()) {
                return text;
              }
              String block = "  " + name + ":\n" + String.join("\n", sizing) + "\n";
              return appendToApps(text, block, false);
            });
      }
    }

    /** The sizing keys of {@code apps.<app>} in a values file, as its lines. */
    private static List<String> sizingOf(String text, String app) {
      List<String> lines = List.of(text.split("\n", -1));
      int start = lines.indexOf("  " + app + ":");
      List<String> kept = new ArrayList<>();
      if (start < 0) {
        return kept;
      }
      boolean keeping = false;
      for (String line : lines.subList(start + 1, lines.size())) {
        if (!line.startsWith("    ") && !line.isBlank()) {
          break; // the next app, or the end of apps
        }
        if (line.startsWith("    ") && !line.startsWith("     ")) {
          String key = line.strip().split(":", 2)[0];
          keeping = SIZING.contains(key);
        }
        if (keeping && !line.isBlank()) {
          kept.add(line);
        }
      }
      return kept;
    }

    /**
     * {@code block} as the last entry of the top-level {@code apps:} map, before the comment and
     * blank lines that introduce the next top-level key; {@code spaced} leaves a blank line around
     * it, as the chart's own values do.
     */
    private static String appendToApps(String text, String block, boolean spaced) {
      Matcher apps = Pattern.compile("(?m)^apps:\\s*$").matcher(text);
      if (!apps.find()) {
        throw new IllegalStateException("no top-level apps: key");
      }
      Matcher next = Pattern.compile("(?m)^[a-zA-Z]").matcher(text);
      String gap = spaced ? "\n" : "";
      if (!next.find(apps.end())) {
        return text.stripTrailing() + "\n" + gap + block.stripTrailing() + "\n";
      }
      String[] before = text.substring(0, next.start()).split("\n", -1);
      int line = before.length - 1;
      while (line > 0 && (before[line - 1].isBlank() || before[line - 1].startsWith("#"))) {
        line--;
      }
      int offset = String.join("\n", List.of(before).subList(0, line)).length();
      return text.substring(0, offset).stripTrailing()
          + "\n"
          + gap
          + block.stripTrailing()
          + "\n"
          + gap
          + text.substring(offset).stripLeading();
    }

    /**
     * Adds the topic to {@code topics.events}: the chart creates it and lets the outbox write it.
     */
    void addChartTopic(String topic) {
      edit(
          "helm/tessera/values.yaml",
          text -> {
            Matcher list =
                Pattern.compile(
                        "(?m)^topics:\\n(?:(?:  .*|\\s*)\\n)*?  events:\\n((?:    - .*\\n)+)")
                    .matcher(text);
            if (!list.find()) {
              throw new IllegalStateException("no topics.events list");
            }
            return text.substring(0, list.end(1))
                + "    - "
                + topic
                + "\n"
                + text.substring(list.end(1));
          });
    }

    void addEventType(Map<String, Object> scope) {
      edit(
          "contracts/src/main/java/dev/tessera/contracts/EventTypes.java",
          text -> {
            String constant =
                Template.render(resource("contracts/event-type-constant.java"), scope);
            String withImport = addImport(text, Template.render(importOf(), scope));
            String withConstant =
                insertBefore(
                    withImport, "  private static final List<EventType<?>> ALL =", constant);
            return appendToList(
                withConstant, "ALL =", Template.render("{{AGGREGATE}}_CREATED", scope));
          });
      edit(
          "contracts/src/test/java/dev/tessera/contracts/SampleEvents.java",
          text ->
              appendToList(
                  addImport(text, Template.render(importOf(), scope)),
                  "static List<IntegrationEvent> all()",
                  Template.render(resource("contracts/sample-event.java"), scope).strip()));
    }

    private static String importOf() {
      return "dev.tessera.contracts.{{service}}.{{Aggregate}}Created";
    }

    private void edit(String file, java.util.function.UnaryOperator<String> change) {
      Path path = repository.resolve(file);
      String text =
          changed.computeIfAbsent(
              path,
              p -> {
                try {
                  return Files.readString(p);
                } catch (IOException e) {
                  throw new UncheckedIOException("cannot read " + file, e);
                }
              });
      try {
        changed.put(path, change.apply(text));
      } catch (IllegalStateException e) {
        throw new IllegalStateException(
            file + " is not as the generator expects (" + e.getMessage() + ")", e);
      }
    }

    private static String insertBefore(String text, String anchor, String insertion) {
      int at = text.indexOf(anchor);
      if (at < 0) {
        throw new IllegalStateException("no line '" + anchor.strip() + "'");
      }
      return text.substring(0, at) + insertion + text.substring(at);
    }

    private static String addImport(String text, String type) {
      Matcher first = Pattern.compile("(?m)^import ").matcher(text);
      if (!first.find()) {
        throw new IllegalStateException("no import");
      }
      return text.substring(0, first.start())
          + "import "
          + type
          + ";\n"
          + text.substring(first.start());
    }

    /**
     * Adds {@code element} as the last argument of the first {@code List.of(…)} after {@code
     * after}.
     */
    private static String appendToList(String text, String after, String element) {
      int from = text.indexOf(after);
      int open = from < 0 ? -1 : text.indexOf("List.of(", from);
      if (open < 0) {
        throw new IllegalStateException("no List.of( after '" + after + "'");
      }
      int depth = 0;
      for (int i = open + "List.of".length(); i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          String head = text.substring(0, i).stripTrailing();
          return head + ",\n        " + element + text.substring(i);
        }
      }
      throw new IllegalStateException("List.of( after '" + after + "' is not closed");
    }
  }
}
