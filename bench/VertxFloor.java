import io.vertx.core.*;
import io.vertx.core.http.*;
/**
 * The framework floor: a bare vert.x HTTP server that passes each request to the mock upstream with the
 * vert.x HTTP client, and nothing else (no auth, no JSON, no ledger). What Tollgate costs above this is
 * Tollgate; what this costs above nginx is vert.x on the JVM. See bench/README.md.
 */
public class VertxFloor {
  public static void main(String[] a) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));
    vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
      req.body().onSuccess(body -> {
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(Integer.getInteger("upstream.port", 18080)).setURI("/v1/chat/completions")
            .putHeader("content-type", "application/json"))
          .compose(r -> r.send(body)).compose(resp -> resp.body())
          .onSuccess(b -> req.response().putHeader("content-type", "application/json").end(b))
          .onFailure(e -> req.response().setStatusCode(502).end());
      });
    }).listen(Integer.getInteger("port", 4199), "127.0.0.1").await();
    System.out.println("vertx floor ready, native transport: " + vertx.isNativeTransportEnabled());
  }
}
