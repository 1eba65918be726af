package dev.tessera.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.servers.Smtp;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The launcher's local page, on loopback: the mail the local SMTP server received ({@code /} as
 * HTML, {@code /messages} as JSON, what {@code ./tessera mail} prints), the applications' traces
 * ({@code /traces}, see {@link TracePage}) and the OTLP/HTTP receiver they export them to ({@code
 * /v1/traces}, see {@link OtlpReceiver}).
 */
final class MailPage implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Smtp smtp;

  private MailPage(HttpServer server, Smtp smtp) {
    this.server = server;
    this.smtp = smtp;
  }

  static MailPage start(Smtp smtp, int port, TraceStore traces) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
      MailPage page = new MailPage(server, smtp);
      server.createContext("/messages", page::json);
      server.createContext("/v1/traces", new OtlpReceiver(traces)::handle);
      server.createContext("/traces", new TracePage(traces)::handle);
      server.createContext("/", page::html);
      // Not the dispatcher thread: a trace page held until its trace settles must not hold up
      // the exports that settle it (at most TracePage.MAX_HELD of these threads are held).
      server.setExecutor(
          Executors.newFixedThreadPool(
              TracePage.MAX_HELD + 2,
              task -> {
                Thread thread = new Thread(task, "launcher-page");
                thread.setDaemon(true);
                return thread;
              }));
      server.start();
      return page;
    } catch (IOException e) {
      throw new UncheckedIOException("could not serve the mail page on port " + port, e);
    }
  }

  /** The address the applications export their spans to (loopback, like the server itself). */
  String otlpEndpoint() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort();
  }

  String url() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  private List<Map<String, Object>> messages() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (MimeMessage message : smtp.receivedMessages()) {
      try {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("to", addresses(message.getAllRecipients()));
        m.put("from", addresses(message.getFrom()));
        m.put("subject", message.getSubject());
        m.put(
            "sentAt",
            message.getSentDate() == null ? null : message.getSentDate().toInstant().toString());
        m.put("messageId", message.getMessageID());
        list.add(m);
      } catch (MessagingException e) {
        list.add(Map.of("error", "unreadable message: " + e.getMessage()));
      }
    }
    return list;
  }

  private static String addresses(Address[] addresses) {
    return addresses == null
        ? ""
        : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
  }

  private void json(HttpExchange exchange) throws IOException {
    respond(exchange, "application/json", JSON.writeValueAsBytes(messages()));
  }

  private void html(HttpExchange exchange) throws IOException {
    StringBuilder page =
        new StringBuilder(
            "<!doctype html><meta charset=utf-8><title>Tessera mail</title>"
                + "<p><a href=/traces>traces</a></p>"
                + "<h1>Mail received by the local SMTP server</h1><table border=1 cellpadding=4>"
                + "<tr><th>to<th>subject<th>sent");
    for (Map<String, Object> m : messages()) {
      page.append("<tr><td>")
          .append(escape(m.get("to")))
          .append("<td>")
          .append(escape(m.get("subject")))
          .append("<td>")
          .append(escape(m.get("sentAt")));
    }
    page.append("</table>");
    respond(exchange, "text/html; charset=utf-8", page.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String escape(Object value) {
    return String.valueOf(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static void respond(HttpExchange exchange, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
