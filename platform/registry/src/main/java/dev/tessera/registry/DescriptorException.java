package dev.tessera.registry;

/** A service descriptor that cannot be used; the message names the file and the field. */
public final class DescriptorException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  DescriptorException(String file, String problem) {
    super(file + ": " + problem);
  }
}
