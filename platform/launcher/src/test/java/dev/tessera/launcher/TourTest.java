package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TourTest {

  @Test
  void the_readme_shows_the_tour_the_launcher_prints() throws IOException {
    Path repository = Path.of(System.getProperty("tessera.repository", "../..")).toAbsolutePath();
    String readme = Files.readString(repository.resolve("README.md"));
    String section = readme.substring(readme.indexOf("## API tour through the gateway"));
    int start = section.indexOf("```bash\n") + "```bash\n".length();
    String block = section.substring(start, section.indexOf("\n```", start));

    assertThat(block + "\n").isEqualTo(Tour.forGateway(Tour.README_GATEWAY));
  }

  @Test
  void the_printed_tour_calls_the_gateway_it_was_started_with() {
    assertThat(Tour.forGateway("http://127.0.0.1:18080"))
        .startsWith("G=http://127.0.0.1:18080\n")
        .contains("curl -s $G/api/orders/catalog")
        .doesNotContain("localhost:8080");
  }
}
