package dev.tessera.servers;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;

/** An SMTP server that accepts every mail and keeps it for the tests to read. */
public interface Smtp {

  /** Host name that mailers connect to. */
  String host();

  /** SMTP port (plain, no TLS, no authentication required). */
  int port();

  /** Every message received so far, in arrival order. */
  List<MimeMessage> receivedMessages();

  /** The received messages that have {@code address} among their recipients. */
  default List<MimeMessage> receivedMessagesTo(String address) {
    return receivedMessages().stream().filter(m -> isAddressedTo(m, address)).toList();
  }

  private static boolean isAddressedTo(MimeMessage message, String address) {
    try {
      Address[] recipients = message.getAllRecipients();
      return recipients != null
          && Arrays.stream(recipients)
              .anyMatch(
                  a ->
                      a instanceof InternetAddress internet
                          ? address.equalsIgnoreCase(internet.getAddress())
                          : address.equalsIgnoreCase(a.toString()));
    } catch (MessagingException e) {
      throw new IllegalStateException("unreadable message", e);
    }
  }
}
