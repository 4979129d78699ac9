package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import dev.tollgate.auth.KeyService;
import dev.tollgate.common.RateLimitedException;
import dev.tollgate.ratelimit.RateLimitCounters;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Locale;

/**
 * Limits password guessing: every login attempt takes one unit from its account's bucket and one from its
 * client address's (GCRA per minute, in the rate-limit counters: this process's, or Redis's shared by every
 * replica). When either is empty the attempt is refused with 429 and {@code Retry-After} before the
 * password is hashed, so a flood of guesses costs neither an account nor the CPU (Argon2id is tens of
 * milliseconds a try). Counter keys hold a hash of the email (SHA-256, as for API keys), not the email itself.
 */
public final class LoginThrottle {
  private final RateLimitCounters counters;
  private final int perAccount;
  private final int perAddress;

  public LoginThrottle(RateLimitCounters counters, int perAccount, int perAddress) {
    this.counters = requireNonNull(counters, "counters");
    this.perAccount = perAccount;
    this.perAddress = perAddress;
  }

  /** Succeeds when the attempt may go on; fails with {@link RateLimitedException} when it may not. */
  public Future<Void> admit(String email, String clientAddress, Instant now) {
    String account = "login:account:" + KeyService.hash(email.strip().toLowerCase(Locale.ROOT));
    return take(account, perAccount, "this account", now)
        .compose(v -> take("login:address:" + clientAddress, perAddress, "this client address", now));
  }

  private Future<Void> take(String key, int limit, String who, Instant now) {
    return counters.acquire(key, 1, limit, now).compose(r -> r.allowed() ? Future.<Void>succeededFuture()
        : Future.failedFuture(new RateLimitedException("rate_limit_exceeded", "too many login attempts for " + who + " ("
            + limit + " a minute); retry after " + RateLimitedException.retryAfterSeconds(r.retryAfter()) + "s", r.retryAfter())));
  }
}
