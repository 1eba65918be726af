package dev.tessera.scaffold;

/** A {@code new-service} request the generator refuses, before it has written anything. */
public class InvalidServiceRequest extends IllegalArgumentException {

  InvalidServiceRequest(String message) {
    super(message);
  }
}
