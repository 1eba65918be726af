package dev.tessera.gateway.it;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand on a socket to the gateway under test: for what no well-behaved client
 * sends (conflicting framing headers, bodies that never arrive) and for connecting from another
 * loopback address than 127.0.0.1.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  /** A connection to the gateway from {@code localAddress} (e.g. 127.0.0.2). */
  static RawHttp connect(String localAddress) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5_000);
    socket.setSoTimeout(15_000);
    return new RawHttp(socket);
  }

  /** Writes {@code text} (CRLFs included) as it is. */
  RawHttp send(String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /**
   * Everything the gateway sends until it closes the connection or goes quiet for {@code
   * quietMillis} after answering.
   */
  String read(int quietMillis) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        seen.write(buffer, 0, n);
        socket.setSoTimeout(quietMillis);
      }
    } catch (SocketTimeoutException | SocketException e) {
      // Quiet after an answer, or reset after one: what arrived is the answer.
    }
    return seen.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status code of the first response in {@code text}, or -1 when there is none. */
  static int status(String text) {
    if (!text.startsWith("HTTP/1.1 ")) {
      return -1;
    }
    return Integer.parseInt(text.substring(9, 12));
  }

  /** Whether the gateway closed the connection (reading returns end of stream). */
  boolean closedByPeer(int waitMillis) throws IOException {
    socket.setSoTimeout(waitMillis);
    try {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
