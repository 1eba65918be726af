package dev.tessera.servers;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * GreenMail's SMTP server, in this JVM: it accepts mail for any address without authentication and
 * keeps every message in memory for the tests to read.
 */
public final class LocalSmtp extends LocalServer implements Smtp {

  private final int port = FreePorts.next();
  private GreenMail greenMail;

  /** An SMTP server; {@code directory} stays empty (mail lives in memory). */
  public LocalSmtp(Path directory) {
    super("smtp", directory, false);
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public List<MimeMessage> receivedMessages() {
    GreenMail current = greenMail;
    if (current == null) {
      throw new IllegalStateException("the SMTP server is not running");
    }
    return Arrays.asList(current.getReceivedMessages());
  }

  /** Deletes every received message, e.g. between tests that count mails. */
  public void purge() {
    try {
      greenMail.purgeEmailFromAllMailboxes();
    } catch (Exception e) {
      throw new IllegalStateException("cannot purge mailboxes", e);
    }
  }

  @Override
  protected void doStart() {
    greenMail = new GreenMail(new ServerSetup(port, host(), ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
  }

  @Override
  protected void doStop() {
    if (greenMail != null) {
      greenMail.stop();
      greenMail = null;
    }
  }

  /** GreenMail runs inside this JVM, so there is no process to kill: the nearest is to stop it. */
  @Override
  protected void doKill() {
    doStop();
  }
}
