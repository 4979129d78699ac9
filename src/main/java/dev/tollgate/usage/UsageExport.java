package dev.tollgate.usage;

import dev.tollgate.common.InvalidRequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a whole ledger slice as CSV, JSON Lines or a JSON array, without holding it in memory: a
 * worker thread reads rows and writes them in chunks, waiting whenever the client reads slower than
 * the database produces.
 */
final class UsageExport {
  private static final Logger log = LoggerFactory.getLogger(UsageExport.class);
  private static final int CHUNK_BYTES = 64 * 1024;

  enum Format {
    CSV("text/csv; charset=utf-8", "csv"),
    JSONL("application/x-ndjson", "jsonl"),
    JSON("application/json", "json");

    final String contentType;
    final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }

    static Format parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("format", "format: '" + text + "' (expected: csv, jsonl or json)");
      }
    }
  }

  static final String CSV_HEADER = "request_id,attempt,started_at,first_token_at,ended_at,latency_ms,key_id,user,tags,"
      + "provider,model_requested,model_served,endpoint,stream,status,error,input_tokens,cache_read_tokens,"
      + "cache_write_5m_tokens,cache_write_1h_tokens,audio_input_tokens,image_input_tokens,output_tokens,"
      + "reasoning_tokens,audio_output_tokens,cost_usd,cost_nanos,flags,price_version,cost_breakdown,org_id,project_id,"
      + "deployment,saved_usd\n";

  private UsageExport() {}

  static void stream(RoutingContext ctx, UsageStore store, UsageQuery query, Format format) {
    HttpServerResponse resp = ctx.response();
    resp.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, format.contentType)
        .putHeader("content-disposition", "attachment; filename=\"usage." + format.extension + "\"");
    ctx.vertx().executeBlocking(() -> {
      StringBuilder buf = new StringBuilder(CHUNK_BYTES + 4096);
      buf.append(switch (format) {
        case CSV -> CSV_HEADER;
        case JSON -> "[";
        case JSONL -> "";
      });
      boolean[] first = {true};
      store.export(query, r -> {
        switch (format) {
          case CSV -> csvRow(buf, r);
          case JSONL -> buf.append(UsageRoutes.render(r)).append('\n');
          case JSON -> buf.append(first[0] ? "\n" : ",\n").append(UsageRoutes.render(r));
        }
        first[0] = false;
        if (buf.length() >= CHUNK_BYTES) {
          write(resp, buf);
        }
      });
      if (format == Format.JSON) {
        buf.append(first[0] ? "]\n" : "\n]\n");
      }
      write(resp, buf);
      return null;
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        resp.end();
      } else if (!resp.headWritten()) {
        ctx.fail(ar.cause());
      } else {
        log.error("usage export {} failed after the first bytes: {}", ctx.request().uri(), ar.cause().toString());
        resp.reset();
      }
    });
  }

  /** Writes and empties {@code buf}; blocks this worker thread while the client is behind. */
  private static void write(HttpServerResponse resp, StringBuilder buf) {
    if (buf.isEmpty()) {
      return;
    }
    if (resp.closed()) {
      throw new IllegalStateException("client went away");
    }
    Buffer chunk = Buffer.buffer(buf.toString());
    buf.setLength(0);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    // Handlers first, then write: a drain that happens right after the write is not missed.
    resp.drainHandler(v -> drained.complete(null));
    resp.closeHandler(v -> drained.completeExceptionally(new IllegalStateException("client went away")));
    resp.write(chunk);
    if (resp.writeQueueFull()) {
      try {
        drained.get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("client stopped reading the export for 60 s");
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  static void csvRow(StringBuilder out, UsageRecord r) {
    TokenUsage u = r.usage();
    cell(out, r.requestId()).append(',').append(r.attempt()).append(',');
    out.append(r.startedAt()).append(',');
    r.firstTokenAt().ifPresent(out::append);
    out.append(',').append(r.endedAt()).append(',').append(r.latencyMillis()).append(',');
    cell(out, r.keyId()).append(',');
    cell(out, r.userId().orElse("")).append(',');
    cell(out, String.join(";", r.tags())).append(',');
    cell(out, r.provider()).append(',');
    cell(out, r.modelRequested()).append(',');
    cell(out, r.modelServed()).append(',');
    cell(out, r.endpoint()).append(',');
    out.append(r.stream()).append(',').append(r.status()).append(',');
    cell(out, r.errorClass().orElse("")).append(',');
    out.append(u.inputTokens()).append(',').append(u.cacheReadTokens()).append(',')
        .append(u.cacheWrite5mTokens()).append(',').append(u.cacheWrite1hTokens()).append(',')
        .append(u.audioInputTokens()).append(',').append(u.imageInputTokens()).append(',')
        .append(u.outputTokens()).append(',').append(u.reasoningTokens()).append(',')
        .append(u.audioOutputTokens()).append(',');
    out.append(dev.tollgate.common.Money.usd(r.costNanos())).append(',').append(r.costNanos()).append(',');
    cell(out, String.join(";", r.flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted().toList())).append(',');
    cell(out, r.priceVersion().orElse("")).append(',');
    StringBuilder b = new StringBuilder();
    r.costBreakdown().forEach((k, v) -> b.append(b.isEmpty() ? "" : ";").append(k).append('=').append(v.toPlainString()));
    cell(out, b.toString()).append(',');
    cell(out, r.orgId().orElse("")).append(',');
    cell(out, r.projectId().orElse("")).append(',');
    cell(out, r.deployment().orElse("")).append(',');
    out.append(dev.tollgate.common.Money.usd(r.savedNanos()));
    out.append('\n');
  }

  /** RFC 4180 quoting; a leading =+-@ is prefixed with ' so spreadsheets do not run it as a formula. */
  private static StringBuilder cell(StringBuilder out, String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
    if (!quote) {
      return out.append(v);
    }
    return out.append('"').append(v.replace("\"", "\"\"")).append('"');
  }
}
