package dev.tessera.notifications.unit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private static final String ROOT = "dev.tessera.notifications";

  private final JavaClasses classes =
      // The module's own classes only: scanning the whole class path for the package is slow.
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPath(Path.of("target", "classes"));

  @Test
  void the_domain_knows_no_adapter_and_no_framework_io() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".api..",
            ROOT + ".events..",
            ROOT + ".persistence..",
            ROOT + ".email..",
            "jakarta.ws.rs..",
            "jakarta.persistence..",
            "org.hibernate..",
            "io.vertx..",
            "io.smallrye.mutiny..",
            "io.quarkus..",
            "org.apache.kafka..",
            "java.sql..",
            "dev.tessera.eventing..")
        .check(classes);
  }

  @Test
  void persistence_and_email_do_not_reach_into_the_api() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".persistence..", ROOT + ".email..", ROOT + ".events..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".api..")
        .check(classes);
  }

  @Test
  void the_packages_the_rules_name_exist() {
    for (String layer : new String[] {"api", "domain", "events", "persistence", "email"}) {
      org.assertj.core.api.Assertions.assertThat(classes.containPackage(ROOT + "." + layer))
          .as(layer)
          .isTrue();
    }
  }
}
