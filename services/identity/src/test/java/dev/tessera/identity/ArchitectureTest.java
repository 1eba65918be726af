package dev.tessera.identity;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the domain free of I/O and the layers pointing one way. */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackagesOf(ArchitectureTest.class);

  @Test
  void the_domain_depends_on_no_other_layer_and_no_framework_io() {
    noClasses()
        .that()
        .resideInAPackage("dev.tessera.identity.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tessera.identity.api..",
            "dev.tessera.identity.events..",
            "dev.tessera.identity.persistence..",
            "dev.tessera.identity.security..",
            "dev.tessera.identity.accounts..",
            "jakarta.ws.rs..",
            "jakarta.persistence..",
            "org.hibernate..",
            "io.vertx..",
            "io.smallrye.mutiny..",
            "io.quarkus..",
            "org.apache.kafka..",
            "io.smallrye.reactive.messaging..",
            "java.sql..")
        .check(CLASSES);
  }

  @Test
  void only_the_api_speaks_http() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tessera.identity.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.ws.rs..", "org.jboss.resteasy..")
        .check(CLASSES);
  }

  @Test
  void nothing_below_the_api_depends_on_it() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.tessera.identity.accounts..",
            "dev.tessera.identity.persistence..",
            "dev.tessera.identity.events..",
            "dev.tessera.identity.security..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tessera.identity.api..")
        .check(CLASSES);
  }

  @Test
  void persistence_and_events_do_not_reach_up_to_the_use_cases() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tessera.identity.persistence..", "dev.tessera.identity.events..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tessera.identity.accounts..")
        .check(CLASSES);
  }
}
