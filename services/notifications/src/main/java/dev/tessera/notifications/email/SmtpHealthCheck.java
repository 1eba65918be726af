package dev.tessera.notifications.email;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the SMTP server answers with its {@code 220} greeting. E-mails are never lost
 * while it is away (they wait in the e-mail outbox), but operators should see it.
 */
@Readiness
@ApplicationScoped
public class SmtpHealthCheck implements AsyncHealthCheck {

  private static final int TIMEOUT_MILLIS = 2000;

  private final String host;
  private final int port;

  SmtpHealthCheck(
      @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
      @ConfigProperty(name = "quarkus.mailer.port", defaultValue = "25") int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    // A blocking socket, so off the event loop.
    return Uni.createFrom()
        .item(this::check)
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private HealthCheckResponse check() {
    var response = HealthCheckResponse.named("smtp").withData("server", host + ":" + port);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String greeting = in.readLine();
      OutputStream out = socket.getOutputStream();
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      boolean up = greeting != null && greeting.startsWith("220");
      return response.status(up).withData("greeting", String.valueOf(greeting)).build();
    } catch (Exception e) {
      return response.down().withData("error", e.getClass().getSimpleName()).build();
    }
  }
}
