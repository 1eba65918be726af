package dev.tessera.billing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the domain at the centre: no HTTP, Kafka, SQL or framework I/O in it. */
@AnalyzeClasses(
    packages = "dev.tessera.billing",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule domain_depends_on_no_other_layer =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.billing.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tessera.billing.api..",
              "dev.tessera.billing.events..",
              "dev.tessera.billing.persistence..",
              "dev.tessera.billing.provider..",
              "dev.tessera.billing.payments..")
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule domain_does_no_io_and_needs_no_framework =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.billing.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "jakarta.ws.rs..",
              "jakarta.persistence..",
              "jakarta.enterprise..",
              "java.sql..",
              "org.hibernate..",
              "io.vertx..",
              "io.smallrye..",
              "io.quarkus..",
              "org.apache.kafka..",
              "org.eclipse.microprofile..",
              "dev.tessera.eventing..")
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule the_api_does_not_reach_into_kafka_or_the_outbox =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.billing.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tessera.billing.events..", "org.apache.kafka..", "dev.tessera.eventing..")
          .allowEmptyShould(false);

  @ArchTest
  static final ArchRule persistence_knows_nothing_of_http_or_kafka =
      noClasses()
          .that()
          .resideInAPackage("dev.tessera.billing.persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.tessera.billing.api..",
              "dev.tessera.billing.events..",
              "jakarta.ws.rs..",
              "org.apache.kafka..")
          .allowEmptyShould(false);
}
