package dev.tollgate.providers;

import dev.tollgate.usage.TokenUsage;
import io.vertx.core.buffer.Buffer;

/** A complete (non-streamed) answer: the body to send the caller, in the OpenAI format, and its usage. */
public record ProviderReply(Buffer body, TokenUsage usage, String servedModel) {}
