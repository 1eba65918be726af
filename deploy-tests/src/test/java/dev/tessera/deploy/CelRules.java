package dev.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates a CRD's {@code x-kubernetes-validations} rule the way the API server does on create:
 * {@code self} is the value at the rule's node (after defaulting). Rules that read {@code oldSelf}
 * are transition rules, which the API server evaluates on update only: not here.
 *
 * <p>The environment is CEL's standard library plus the extensions Kubernetes also enables
 * (strings, lists, sets, math, regex, encoders, optionals). A rule that needs a Kubernetes-only
 * function this engine lacks (quantity(), url(), ip(), …) does not compile and is reported as a
 * problem, so nothing is skipped silently.
 */
final class CelRules {

  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addCompilerLibraries(
              CelExtensions.strings(),
              CelExtensions.lists(),
              CelExtensions.sets(OPTIONS),
              CelExtensions.math(OPTIONS),
              CelExtensions.regex(),
              CelExtensions.encoders(OPTIONS),
              CelExtensions.optional())
          .addRuntimeLibraries(
              CelExtensions.strings(),
              CelExtensions.lists(),
              CelExtensions.sets(OPTIONS),
              CelExtensions.math(OPTIONS),
              CelExtensions.regex(),
              CelExtensions.encoders(OPTIONS),
              CelExtensions.optional())
          .build();

  /** A compiled rule, or why it does not compile. */
  private record Compiled(CelRuntime.Program program, String error) {}

  private static final Map<String, Compiled> PROGRAMS = new ConcurrentHashMap<>();

  private CelRules() {}

  /** Whether the API server evaluates this rule when an object is created. */
  static boolean appliesOnCreate(String rule) {
    return !rule.contains("oldSelf");
  }

  /** Empty when the rule holds for {@code self}; otherwise why not. */
  static Optional<String> violation(String rule, JsonNode self) {
    Compiled compiled = PROGRAMS.computeIfAbsent(rule, CelRules::compile);
    if (compiled.error() != null) {
      return Optional.of("rule does not compile here (" + compiled.error() + "): " + rule);
    }
    try {
      Object result = compiled.program().eval(Map.of("self", toCel(self)));
      return Boolean.TRUE.equals(result) ? Optional.empty() : Optional.of("rule is false: " + rule);
    } catch (CelEvaluationException e) {
      return Optional.of("rule fails to evaluate (" + e.getMessage() + "): " + rule);
    }
  }

  /** Empty when the rule compiles in this environment; otherwise the compiler's message. */
  static Optional<String> compileError(String rule) {
    return Optional.ofNullable(PROGRAMS.computeIfAbsent(rule, CelRules::compile).error());
  }

  private static Compiled compile(String rule) {
    try {
      CelAbstractSyntaxTree ast = CEL.compile(rule).getAst();
      return new Compiled(CEL.createProgram(ast), null);
    } catch (CelValidationException | CelEvaluationException e) {
      return new Compiled(null, e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** JSON as CEL sees it: objects as maps, arrays as lists, integers as int, decimals as double. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().isNull()) {
                  map.put(e.getKey(), toCel(e.getValue()));
                }
              });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
