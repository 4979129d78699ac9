package dev.tollgate.alerts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server on loopback, enough of RFC 5321 for a client test: EHLO, AUTH PLAIN (checked against
 * one user), MAIL, RCPT, DATA (dot-unstuffed), QUIT. Every accepted message is recorded.
 */
final class TinySmtpServer implements AutoCloseable {
  record Mail(String from, List<String> to, String data, Optional<String> authUser) {}

  private final ServerSocket socket;
  private final LinkedBlockingQueue<Mail> mails = new LinkedBlockingQueue<>();
  private final String user;
  private final String password;
  private final Thread acceptor;

  TinySmtpServer(String user, String password) throws IOException {
    this.user = user;
    this.password = password;
    this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofVirtual().start(() -> {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          Thread.ofVirtual().start(() -> session(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  int port() {
    return socket.getLocalPort();
  }

  Mail take() throws InterruptedException {
    Mail m = mails.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no mail arrived within 10 s");
    }
    return m;
  }

  private void session(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
         OutputStream out = s.getOutputStream()) {
      reply(out, "220 tiny-smtp ready");
      String from = null;
      List<String> to = new ArrayList<>();
      Optional<String> auth = Optional.empty();
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          reply(out, "250-tiny-smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME");
        } else if (upper.startsWith("AUTH PLAIN ")) {
          String[] parts = new String(Base64.getDecoder().decode(line.substring(11).strip()), StandardCharsets.UTF_8).split("\0");
          if (parts.length == 3 && parts[1].equals(user) && parts[2].equals(password)) {
            auth = Optional.of(parts[1]);
            reply(out, "235 2.7.0 authenticated");
          } else {
            reply(out, "535 5.7.8 bad credentials");
          }
        } else if (upper.startsWith("MAIL FROM:")) {
          from = line.substring(10).replaceAll("[<>]", "").strip();
          reply(out, "250 ok");
        } else if (upper.startsWith("RCPT TO:")) {
          to.add(line.substring(8).replaceAll("[<>]", "").strip());
          reply(out, "250 ok");
        } else if (upper.equals("DATA")) {
          reply(out, "354 end with <CRLF>.<CRLF>");
          StringBuilder data = new StringBuilder();
          String d;
          while ((d = in.readLine()) != null && !d.equals(".")) {
            data.append(d.startsWith("..") ? d.substring(1) : d).append('\n');
          }
          mails.add(new Mail(from, List.copyOf(to), data.toString(), auth));
          reply(out, "250 queued");
        } else if (upper.equals("QUIT")) {
          reply(out, "221 bye");
          return;
        } else {
          reply(out, "502 not implemented");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    acceptor.interrupt();
  }
}
