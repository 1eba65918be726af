package dev.tessera.notifications.email;

import dev.tessera.notifications.domain.NotificationKind;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the e-mail of each {@link NotificationKind} from its Qute templates ({@code
 * email-templates/<kind>.subject.txt}, {@code .txt} and {@code .html}). It runs its own Qute
 * engine, so it works — and is tested — without the application; values are HTML-escaped in the
 * HTML part, and a template that names a value it is not given fails instead of printing nothing.
 */
public final class EmailRenderer {

  private static final String LOCATION = "email-templates/";

  private final Map<NotificationKind, Template[]> templates = new EnumMap<>(NotificationKind.class);

  /** Loads and parses every kind's templates; fails at once when one is missing. */
  public EmailRenderer() {
    Engine engine =
        Engine.builder()
            .addDefaults()
            .strictRendering(true)
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .build();
    for (NotificationKind kind : NotificationKind.values()) {
      templates.put(
          kind,
          new Template[] {
            parse(engine, kind.code() + ".subject.txt", Variant.TEXT_PLAIN),
            parse(engine, kind.code() + ".txt", Variant.TEXT_PLAIN),
            parse(engine, kind.code() + ".html", Variant.TEXT_HTML)
          });
    }
  }

  /** The e-mail of {@code kind} for {@code displayName}, filled with {@code values}. */
  public RenderedEmail render(
      NotificationKind kind, String displayName, Map<String, String> values) {
    Template[] parts = templates.get(Objects.requireNonNull(kind, "kind"));
    return new RenderedEmail(
        render(parts[0], displayName, values).strip(),
        render(parts[1], displayName, values),
        render(parts[2], displayName, values));
  }

  private static String render(Template template, String displayName, Map<String, String> values) {
    TemplateInstance instance = template.instance();
    values.forEach(instance::data);
    return instance.data("displayName", displayName).render();
  }

  private static Template parse(Engine engine, String name, String contentType) {
    String path = LOCATION + name;
    try (InputStream in = EmailRenderer.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing e-mail template " + path);
      }
      String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return engine.parse(content, new Variant(null, contentType, "UTF-8"), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read e-mail template " + path, e);
    }
  }
}
