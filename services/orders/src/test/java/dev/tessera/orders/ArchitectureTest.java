package dev.tessera.orders;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The domain stays free of HTTP, Kafka, SQL and the packages that deal with them. */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      // The service's own classes only: scanning the whole class path for the package is slow.
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPath(Path.of("target", "classes"));

  @Test
  void the_domain_depends_on_no_other_package_of_the_service() {
    noClasses()
        .that()
        .resideInAPackage("dev.tessera.orders.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tessera.orders.api..",
            "dev.tessera.orders.events..",
            "dev.tessera.orders.persistence..")
        .check(CLASSES);
  }

  @Test
  void the_domain_uses_no_framework_for_input_or_output() {
    noClasses()
        .that()
        .resideInAPackage("dev.tessera.orders.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "jakarta.ws.rs..",
            "jakarta.persistence..",
            "jakarta.enterprise..",
            "org.hibernate..",
            "io.vertx..",
            "io.smallrye..",
            "io.quarkus..",
            "org.apache.kafka..",
            "org.eclipse.microprofile..",
            "com.fasterxml.jackson..",
            "java.sql..",
            "dev.tessera.eventing..",
            "dev.tessera.contracts..")
        .check(CLASSES);
  }

  @Test
  void every_package_the_rules_name_exists() {
    for (String name : new String[] {"api", "domain", "events", "persistence"}) {
      String pkg = "dev.tessera.orders." + name;
      org.assertj.core.api.Assertions.assertThat(
              CLASSES.stream().anyMatch(c -> c.getPackageName().equals(pkg)))
          .as(pkg)
          .isTrue();
    }
  }

  @Test
  void only_the_api_handles_http() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tessera.orders.events..", "dev.tessera.orders.persistence..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.ws.rs..", "dev.tessera.orders.api..")
        .check(CLASSES);
  }
}
