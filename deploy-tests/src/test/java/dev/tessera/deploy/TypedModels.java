package dev.tessera.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a rendered object into its typed model and fails on anything the model does not know.
 *
 * <p>fabric8 and Strimzi models keep unknown fields in an "additionalProperties" map instead of
 * failing, so after binding, every such map in the object graph must be empty. KEDA and
 * CloudNativePG publish no Java model: their objects are validated against JSON Schemas transcribed
 * from the published CRDs, with {@code additionalProperties: false} wherever the CRD's structural
 * schema would prune an unknown field (what {@code kubectl apply --validate=strict} rejects).
 */
final class TypedModels {

  /** apiVersion + "/" + kind → typed model. */
  static final Map<String, Class<?>> MODELS =
      Map.ofEntries(
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/Pod", Pod.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
          Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
          Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
          Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
          Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
          Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
          Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
          Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
          Map.entry("kafka.strimzi.io/v1/KafkaConnect", KafkaConnect.class),
          Map.entry("kafka.strimzi.io/v1/KafkaConnector", KafkaConnector.class));

  /** apiVersion + "/" + kind → JSON Schema resource, for kinds without a Java model. */
  static final Map<String, String> SCHEMAS =
      Map.of(
          "keda.sh/v1alpha1/ScaledObject", "schemas/keda-scaledobject.json",
          "keda.sh/v1alpha1/TriggerAuthentication", "schemas/keda-triggerauthentication.json",
          "postgresql.cnpg.io/v1/Cluster", "schemas/cnpg-cluster.json",
          "postgresql.cnpg.io/v1/Pooler", "schemas/cnpg-pooler.json");

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private TypedModels() {}

  static String typeKey(JsonNode object) {
    return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
  }

  /**
   * The problems with one object: empty when it binds to its model (or validates against its
   * schema) with nothing left over.
   */
  static List<String> problems(JsonNode object) {
    String key = typeKey(object);
    String where = Chart.id(object);
    List<String> problems = new ArrayList<>();
    Class<?> model = MODELS.get(key);
    String schema = SCHEMAS.get(key);
    if (model == null && schema == null) {
      problems.add(where + ": no typed model or schema for " + key);
      return problems;
    }
    if (model != null) {
      try {
        Object typed = MAPPER.treeToValue(object, model);
        collectUnknown(typed, where, problems, new IdentityHashMap<>());
        if (typed instanceof HasMetadata hm && hm.getMetadata().getName() == null) {
          problems.add(where + ": no metadata.name");
        }
        checkServedVersion(model, object, problems);
      } catch (IOException | IllegalArgumentException e) {
        problems.add(where + ": does not bind to " + model.getSimpleName() + ": " + e.getMessage());
      }
    } else {
      for (ValidationMessage m : schema(schema).validate(object)) {
        problems.add(where + ": " + m.getMessage());
      }
    }
    return problems;
  }

  /** Strimzi models list the API versions they serve; the chart must use one of them. */
  private static void checkServedVersion(Class<?> model, JsonNode object, List<String> problems) {
    try {
      var field = model.getField("VERSIONS");
      @SuppressWarnings("unchecked") // Strimzi declares it as List<String>
      List<String> versions = (List<String>) field.get(null);
      String version = object.path("apiVersion").asText().replaceFirst("^.*/", "");
      if (!versions.contains(version)) {
        problems.add(Chart.id(object) + ": API version " + version + " not in " + versions);
      }
    } catch (NoSuchFieldException e) {
      // fabric8's built-in kinds: the apiVersion is part of the lookup key already
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collectUnknown(
      Object value, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) {
    if (value == null || seen.put(value, Boolean.TRUE) != null) {
      return;
    }
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        collectUnknown(item, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> collectUnknown(v, path + "." + k, problems, seen));
      return;
    }
    Class<?> type = value.getClass();
    String pkg = type.getPackageName();
    if (!pkg.startsWith("io.fabric8.kubernetes.api.model")
        && !pkg.startsWith("io.fabric8.openshift.api.model")
        && !pkg.startsWith("io.strimzi.api")) {
      return;
    }
    for (Method getter : type.getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue; // derived getters (e.g. a Quantity's numerical amount) are not fields
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      String field =
          Character.toLowerCase(getter.getName().replaceFirst("^(get|is)", "").charAt(0))
              + getter.getName().replaceFirst("^(get|is)", "").substring(1);
      collectUnknown(child, path + "." + field, problems, seen);
    }
  }

  private static final Map<String, JsonSchema> SCHEMA_CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  static JsonSchema schema(String resource) {
    return SCHEMA_CACHE.computeIfAbsent(
        resource,
        r -> {
          try (InputStream in = TypedModels.class.getClassLoader().getResourceAsStream(r)) {
            if (in == null) {
              throw new IllegalStateException("Missing schema " + r);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** All problems of a list of objects. */
  static List<String> problems(Collection<? extends JsonNode> objects) {
    List<String> all = new ArrayList<>();
    objects.forEach(o -> all.addAll(problems(o)));
    return all;
  }

  static Set<String> knownKinds() {
    Set<String> kinds = new java.util.TreeSet<>(MODELS.keySet());
    kinds.addAll(SCHEMAS.keySet());
    return kinds;
  }
}
