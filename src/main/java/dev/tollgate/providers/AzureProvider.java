package dev.tollgate.providers;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Azure OpenAI: OpenAI's wire format at a deployment URL,
 * {@code {base-url}/openai/deployments/{deployment}/chat/completions?api-version={api-version}}, with the
 * key in an {@code api-key} header, or a Microsoft Entra ID token as {@code Authorization: Bearer}
 * ({@code entra-token}). {@code deployment} defaults to the model name (so {@code azure/my-deployment}
 * works); {@code api-version: v1} selects Azure's version-less {@code /openai/v1/...} API instead.
 */
public final class AzureProvider implements ProviderClient {
  private final OpenAiCompatibleProvider delegate;

  public AzureProvider(HttpClient http, UpstreamConfig config) {
    this.delegate = new OpenAiCompatibleProvider(http, config, "azure", new Endpoint());
  }

  @Override
  public Future<ProviderReply> call(ProviderCall call) {
    return delegate.call(call);
  }

  @Override
  public StreamHandle stream(ProviderCall call, StreamObserver observer) {
    return delegate.stream(call, observer);
  }

  /** The deployment URL a call goes to. */
  static URI uri(ProviderCall call) {
    ModelConfig m = call.model();
    String base = m.baseUrl().orElseThrow();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String version = m.option("api-version").orElse(KnownProviders.AZURE_API_VERSION);
    if (version.equals("v1")) {
      return URI.create(base + "/openai/v1" + call.operation().path());
    }
    String deployment = URLEncoder.encode(m.option("deployment").orElse(m.upstreamModel()), StandardCharsets.UTF_8);
    return URI.create(base + "/openai/deployments/" + deployment + call.operation().path()
        + "?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
  }

  private static final class Endpoint implements OpenAiCompatibleProvider.Endpoint {
    @Override
    public URI uri(ProviderCall call) {
      return AzureProvider.uri(call);
    }

    @Override
    public void authenticate(ProviderCall call, MultiMap headers) {
      call.model().apiKey().ifPresent(k -> headers.add("api-key", k));
      call.model().option("entra-token").ifPresent(t -> headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + t));
    }
  }
}
