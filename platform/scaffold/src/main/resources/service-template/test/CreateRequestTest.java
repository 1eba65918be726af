package dev.tessera.{{service}}.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.{{service}}.api.Create{{Aggregate}}Request;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of a new {{aggregate}}'s body, without a server. */
class Create{{Aggregate}}RequestTest {

  private static ValidatorFactory factory;
  private static Validator validator;

  @BeforeAll
  static void validator() {
    factory =
        Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory();
    validator = factory.getValidator();
  }

  @AfterAll
  static void close() {
    factory.close();
  }

  @Test
  void a_name_of_one_to_two_hundred_characters_is_valid() {
    assertThat(validator.validate(new Create{{Aggregate}}Request("a"))).isEmpty();
    assertThat(validator.validate(new Create{{Aggregate}}Request("x".repeat(200)))).isEmpty();
  }

  @Test
  void a_missing_blank_or_too_long_name_is_refused_on_the_name_field() {
    for (String name : new String[] {null, "", "   ", "x".repeat(201)}) {
      assertThat(validator.validate(new Create{{Aggregate}}Request(name)))
          .as("name %s", name == null ? "null" : "'" + name + "'")
          .extracting(ConstraintViolation::getPropertyPath)
          .extracting(Object::toString)
          .containsExactly("name");
    }
  }
}
