package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSmtpTest {

  /**
   * A service killed in the middle of a send resets its SMTP connection; GreenMail's handler thread
   * then dies with an uncaught exception. Awaitility fails any wait that is running at that moment
   * with that exception, so without care an end-to-end test that kills notifications fails on its
   * own mail server's noise (as CI did once).
   */
  @Test
  void a_client_resetting_its_connection_mid_conversation_fails_no_wait_in_progress(
      @TempDir Path directory) throws Exception {
    try (LocalSmtp smtp = new LocalSmtp(directory)) {
      smtp.start();
      Socket client = new Socket(smtp.host(), smtp.port());
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("220");
      String handlerThread = "<-/127.0.0.1:" + client.getLocalPort();
      AtomicBoolean reset = new AtomicBoolean();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                if (reset.compareAndSet(false, true)) {
                  client.setSoLinger(true, 0); // close with RST, as a killed process's socket does
                  client.close();
                }
                return Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().endsWith(handlerThread));
              });

      assertThat(smtp.receivedMessages()).isEmpty();
    }
  }
}
