package dev.tollgate.alerts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small SMTP client (RFC 5321): EHLO, optional STARTTLS and AUTH PLAIN, one message to several
 * recipients, plain-text UTF-8 body. Blocking: run it on a worker or virtual thread.
 */
final class SmtpClient {
  private static final int TIMEOUT_MS = 15_000;

  /** The server answered something other than what the step expects. */
  static final class SmtpException extends IOException {
    final int code;

    SmtpException(int code, String message) {
      super(message);
      this.code = code;
    }

    /** 4xx replies are temporary (retry); 5xx are permanent. */
    boolean transientFailure() {
      return code >= 400 && code < 500;
    }
  }

  private final AlertsConfig.Smtp config;

  SmtpClient(AlertsConfig.Smtp config) {
    this.config = config;
  }

  void send(List<String> to, String subject, String body, Instant date) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(config.host(), config.port()), TIMEOUT_MS);
      plain.setSoTimeout(TIMEOUT_MS);
      Conversation c = new Conversation(plain);
      c.expect(220);
      String ehlo = c.command("EHLO tollgate", 250);
      if (config.starttls()) {
        if (!ehlo.toUpperCase(Locale.ROOT).contains("STARTTLS")) {
          throw new SmtpException(500, "alerts.smtp.starttls is on but " + config.host() + " does not offer STARTTLS");
        }
        c.command("STARTTLS", 220);
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
            .createSocket(plain, config.host(), config.port(), true);
        tls.startHandshake();
        c = new Conversation(tls);
        c.command("EHLO tollgate", 250);
      }
      if (config.username().isPresent()) {
        String token = Base64.getEncoder().encodeToString(("\0" + config.username().get() + "\0" + config.password().orElse(""))
            .getBytes(StandardCharsets.UTF_8));
        c.command("AUTH PLAIN " + token, 235);
      }
      c.command("MAIL FROM:<" + config.from() + ">", 250);
      for (String rcpt : to) {
        c.command("RCPT TO:<" + rcpt + ">", 250);
      }
      c.command("DATA", 354);
      StringBuilder msg = new StringBuilder();
      msg.append("From: ").append(config.from()).append("\r\n");
      msg.append("To: ").append(String.join(", ", to)).append("\r\n");
      msg.append("Subject: =?UTF-8?B?").append(Base64.getEncoder().encodeToString(subject.getBytes(StandardCharsets.UTF_8))).append("?=\r\n");
      msg.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC))).append("\r\n");
      msg.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
      for (String line : body.split("\r?\n", -1)) {
        msg.append(line.startsWith(".") ? "." + line : line).append("\r\n"); // dot-stuffing
      }
      msg.append(".");
      c.command(msg.toString(), 250);
      c.command("QUIT", 221);
    }
  }

  private static final class Conversation {
    private final BufferedReader in;
    private final OutputStream out;

    Conversation(Socket s) throws IOException {
      this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      this.out = s.getOutputStream();
    }

    String command(String line, int expected) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return expect(expected);
    }

    /** Reads a (possibly multi-line) reply and checks its code. */
    String expect(int expected) throws IOException {
      StringBuilder all = new StringBuilder();
      String line;
      do {
        line = in.readLine();
        if (line == null || line.length() < 3) {
          throw new SmtpException(421, "SMTP server closed the connection");
        }
        all.append(line).append('\n');
      } while (line.length() > 3 && line.charAt(3) == '-');
      int code = Integer.parseInt(line.substring(0, 3));
      if (code != expected) {
        throw new SmtpException(code, "SMTP server answered " + line.strip() + " (expected: " + expected + ")");
      }
      return all.toString();
    }
  }
}
