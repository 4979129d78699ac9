package dev.tollgate.routing;

import java.time.Instant;

/**
 * A deployment's breaker opened: requests route around it for the cooldown. Published on the event bus for
 * alerts and webhooks; {@code deployment} is {@code model/id}.
 */
public record ProviderCircuitOpened(String deployment, String model, String provider, Instant at) {}
