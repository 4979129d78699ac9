package dev.tollgate.web;

import java.time.Duration;
import java.util.Optional;

/** A failure ready to render: status, both dialects' error types, and the details. */
public record HttpError(int status, String openAiType, String anthropicType, Optional<String> code,
                        Optional<String> param, String message, Optional<Duration> retryAfter) {}
