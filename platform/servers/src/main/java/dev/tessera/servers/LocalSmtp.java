package dev.tessera.servers;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * GreenMail's SMTP server, in this JVM: it accepts mail for any address without authentication and
 * keeps every message in memory for the tests to read.
 */
public final class LocalSmtp extends LocalServer implements Smtp {

  private static final System.Logger LOG = System.getLogger(LocalSmtp.class.getName());

  /**
   * A client that vanishes mid-conversation — a service killed while sending — ends its
   * connection's thread with an exception. For a mail server that is everyday life, so it is logged
   * here rather than passed to the JVM's default handler, where a waiting Awaitility would fail the
   * test with it.
   */
  private static final ThreadGroup CONNECTIONS =
      new ThreadGroup("smtp") {
        @Override
        public void uncaughtException(Thread thread, Throwable e) {
          LOG.log(Level.INFO, "SMTP connection {0} ended: {1}", thread.getName(), e.toString());
        }
      };

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

  /**
   * Creates and starts GreenMail in a thread of {@link #CONNECTIONS}: a thread joins the group of
   * the thread that creates it, so GreenMail's server thread and each connection's thread (created
   * by the server thread) belong to that group.
   */
  @Override
  protected void doStart() throws InterruptedException {
    GreenMail[] started = new GreenMail[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread starter =
        new Thread(
            CONNECTIONS,
            () -> {
              try {
                GreenMail server =
                    new GreenMail(new ServerSetup(port, host(), ServerSetup.PROTOCOL_SMTP));
                server.start();
                started[0] = server;
              } catch (RuntimeException e) {
                failure[0] = e;
              }
            },
            "smtp-start");
    starter.start();
    starter.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    greenMail = started[0];
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
