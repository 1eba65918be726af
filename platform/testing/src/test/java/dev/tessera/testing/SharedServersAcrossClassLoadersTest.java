package dev.tessera.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.servers.Servers;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a {@code @QuarkusTest} sees: our classes loaded a second time, by another class loader. */
class SharedServersAcrossClassLoadersTest {

  @Test
  void a_class_loader_of_its_own_gets_the_same_servers_not_a_second_set() throws Exception {
    Servers here = TesseraServers.shared();

    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader isolated =
        new URLClassLoader(classpath(), ClassLoader.getPlatformClassLoader())) {
      // As Quarkus does for its tests; Jakarta Mail finds its providers through this loader.
      Thread.currentThread().setContextClassLoader(isolated);
      Class<?> elsewhere = isolated.loadClass(TesseraServers.class.getName());
      assertThat(elsewhere).isNotSameAs(TesseraServers.class);
      Object servers = elsewhere.getMethod("shared").invoke(null);

      assertThat(port(servers, "postgres")).isEqualTo(here.postgres().port());
      assertThat(call(call(servers, "kafka"), "bootstrapServers"))
          .isEqualTo(here.kafka().bootstrapServers());
      assertThat(call(call(servers, "connect"), "restUrl")).isEqualTo(here.connect().restUrl());
      assertThat(port(servers, "redis")).isEqualTo(here.redis().port());
      assertThat(port(servers, "smtp")).isEqualTo(here.smtp().port());
      assertThat(call(call(servers, "smtp"), "receivedMessages")).isInstanceOf(List.class);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private static URL[] classpath() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return urls.toArray(URL[]::new);
  }

  private static Object call(Object target, String method) throws Exception {
    var m = target.getClass().getMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  private static int port(Object servers, String server) throws Exception {
    Object s = call(servers, server);
    var m =
        Class.forName(
                "dev.tessera.servers." + capitalize(server), true, s.getClass().getClassLoader())
            .getMethod("port");
    return (Integer) m.invoke(s);
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
