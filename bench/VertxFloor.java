import io.vertx.core.*;
import io.vertx.core.http.*;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.ObjectNode;
/**
 * The framework floor: a bare vert.x HTTP server that passes each request to the mock upstream with the
 * vert.x HTTP client, and nothing else. Flags add one piece of gateway-like work at a time, to attribute
 * Tollgate's cost (see bench/README.md): -Dweb=true (vertx-web Router + BodyHandler), -Djson=true (parse and
 * re-serialise the request with Jackson), -Didle=true (per-request idle timeouts), -Drespjson=true (parse the
 * upstream reply), -Dpool=default|lockfree|none (Jackson's buffer recycler pool), -Dtransport=native|io_uring|nio.
 */
public class VertxFloor {
  static final ObjectMapper M = mapper();
  static ObjectMapper mapper() {
    String pool = System.getProperty("pool", "default");
    com.fasterxml.jackson.core.JsonFactoryBuilder b = new com.fasterxml.jackson.core.JsonFactoryBuilder();
    switch (pool) {
      case "lockfree" -> b.recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedLockFreePool());
      case "none" -> b.recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.nonRecyclingPool());
      case "deque" -> b.recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool());
      default -> {}
    }
    return new ObjectMapper(b.build());
  }
  public static void main(String[] a) throws Exception {
    boolean web = Boolean.getBoolean("web"), json = Boolean.getBoolean("json"), idle = Boolean.getBoolean("idle"), resp = Boolean.getBoolean("respjson");
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true);
    Vertx vertx = switch (System.getProperty("transport", "native")) {
      case "io_uring" -> Vertx.builder().with(options).withTransport(io.vertx.core.transport.Transport.IO_URING).build();
      case "nio" -> Vertx.builder().with(options).withTransport(io.vertx.core.transport.Transport.NIO).build();
      default -> Vertx.vertx(options);
    };
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
    java.util.function.BiConsumer<HttpServerRequest, Buffer> handle = (req, body) -> {
      Buffer out = body;
      if (json) {
        try { ObjectNode n = (ObjectNode) M.readTree(body.getBytes()); n.put("model", "gpt-4o-mini"); out = Buffer.buffer(M.writeValueAsBytes(n)); } catch (Exception e) { throw new RuntimeException(e); }
      }
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(Integer.getInteger("upstream.port", 18080)).setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json");
      if (idle) o.setIdleTimeout(600000).setConnectTimeout(5000);
      Buffer fo = out;
      client.request(o).compose(r -> r.send(fo)).compose(rs -> { if (idle) rs.request().idleTimeout(600000); return rs.body(); })
          .onSuccess(b -> {
            if (resp) { try { M.readTree(b.getBytes()); } catch (Exception e) { throw new RuntimeException(e); } }
            req.response().putHeader("content-type", "application/json").end(b);
          })
          .onFailure(e -> req.response().setStatusCode(502).end());
    };
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true));
    if (web) {
      Router r = Router.router(vertx);
      r.route().handler(ctx -> { ctx.put("x", "y"); ctx.response().putHeader("x-request-id", "abc"); ctx.next(); });
      r.route().handler(BodyHandler.create(false).setBodyLimit(10 << 20));
      r.post("/v1/chat/completions").handler(ctx -> handle.accept(ctx.request(), ctx.body().buffer()));
      server.requestHandler(r);
    } else {
      server.requestHandler(req -> req.body().onSuccess(b -> handle.accept(req, b)));
    }
    server.listen(Integer.getInteger("port", 4199), "127.0.0.1").await();
    System.out.println("vertx floor ready, transport " + ((io.vertx.core.internal.VertxInternal) vertx).transport().getClass().getSimpleName() + ", web=" + web + " json=" + json + " idle=" + idle + " respjson=" + resp);
  }
}
